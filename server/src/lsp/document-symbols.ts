// textDocument/documentSymbol: the Kubernetes objects of a document, `Kind name` with their namespace as detail.
import type { DocumentSymbol, DocumentSymbolParams } from 'vscode-languageserver/node';
import type { Session } from './session';
import { lineIndex, toSymbolKind } from './to-lsp';

export async function documentSymbols(session: Session, params: DocumentSymbolParams): Promise<DocumentSymbol[]> {
  await session.ensureFresh(params.textDocument.uri);
  const parsed = session.parsed(params.textDocument.uri);
  if (parsed === undefined) return [];
  const index = lineIndex(parsed);
  return parsed.objects.map((o) => {
    const symbol: DocumentSymbol = {
      name: `${o.kind} ${o.name}`,
      kind: toSymbolKind(o),
      range: index.range(o.span),
      selectionRange: index.range(o.nameSpan.start >= o.span.start && o.nameSpan.end <= o.span.end ? o.nameSpan : o.span),
    };
    if (o.namespace !== undefined) symbol.detail = o.namespace;
    return symbol;
  });
}
