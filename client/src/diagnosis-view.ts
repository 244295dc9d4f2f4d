// Shows diagnosis markdown as a read-only virtual document in VS Code's own markdown preview, which sanitises HTML
// and blocks scripts, so pod names and messages from the cluster are never interpreted as markup by us.
import * as vscode from 'vscode';

export const DIAGNOSIS_SCHEME = 'kube-priority-lens-diagnosis';

export class DiagnosisDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(DIAGNOSIS_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Opens (or updates) the diagnosis of `target` and shows it rendered. */
  async show(target: string, markdown: string): Promise<vscode.Uri> {
    const safe = target.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || 'workload';
    const uri = vscode.Uri.from({ scheme: DIAGNOSIS_SCHEME, path: `/Diagnosis ${safe}.md` });
    this.contents.set(uri.toString(), markdown);
    this.changed.fire(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      // No markdown extension (stripped-down builds): the raw text is still readable.
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
