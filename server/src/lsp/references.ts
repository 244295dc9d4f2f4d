// textDocument/references: from a PriorityClass (or a priorityClassName value) to every workload naming the class.
import type { Location, ReferenceParams } from 'vscode-languageserver/node';
import type { Session } from './session';
import { isRenderedKey } from './rendered';
import { classNameAt } from './definition';
import { lineIndex, toLocation } from './to-lsp';

export async function references(session: Session, params: ReferenceParams): Promise<Location[] | null> {
  await session.ensureFresh(params.textDocument.uri);
  const parsed = session.parsed(params.textDocument.uri);
  if (parsed === undefined) return null;
  const at = classNameAt(session, params.textDocument.uri, lineIndex(parsed).offset(params.position));
  if (at === undefined) return null;
  const model = session.model();
  const locations: Location[] = [];
  if (params.context.includeDeclaration) {
    for (const c of model.priorityClasses) {
      const file = c.object === undefined ? undefined : model.files.get(c.object.file);
      if (c.name !== at.name || c.object === undefined || file === undefined) continue;
      if (isRenderedKey(c.object.file)) {
        const placed = session.rendered.placeMain(c.object.file, c.object.nameSpan.start);
        if (placed !== undefined) locations.push({ uri: session.clientUri(placed.file), range: placed.range });
      } else locations.push(toLocation(session.clientUri(c.object.file), lineIndex(file), c.object.nameSpan));
    }
  }
  for (const w of model.workloads) {
    const field = w.workload.priorityClassName;
    if (w.object.origin !== 'workspace' || field === undefined || field.value !== at.name) continue;
    const file = model.files.get(w.object.file);
    if (isRenderedKey(w.object.file)) {
      const placed = session.rendered.placeMain(w.object.file, field.span.start);
      if (placed !== undefined) locations.push({ uri: session.clientUri(placed.file), range: placed.range });
    } else if (file !== undefined) locations.push(toLocation(session.clientUri(w.object.file), lineIndex(file), field.span));
  }
  return locations;
}
