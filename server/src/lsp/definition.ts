// textDocument/definition: from a `priorityClassName` value to the PriorityClass document in the workspace.
import type { DefinitionParams, Location } from 'vscode-languageserver/node';
import { stringValue } from '../core/index';
import type { Session } from './session';
import { isRenderedKey } from './rendered';
import { pathAt, priorityClassNameStep } from './lookup';
import { lineIndex, toLocation } from './to-lsp';

/** classNameAt returns the PriorityClass name under the cursor: a priorityClassName value, or a PriorityClass object. */
export function classNameAt(session: Session, uri: string, offset: number): { name: string; fromReference: boolean } | undefined {
  const object = session.objectAt(uri, offset);
  if (object === undefined) return undefined;
  if (object.kind === 'PriorityClass') return { name: object.name, fromReference: false };
  const step = priorityClassNameStep(pathAt(object.node, offset));
  const name = step === undefined ? undefined : stringValue(step.node);
  return name === undefined ? undefined : { name, fromReference: true };
}

export async function definition(session: Session, params: DefinitionParams): Promise<Location[] | null> {
  await session.ensureFresh(params.textDocument.uri);
  const parsed = session.parsed(params.textDocument.uri);
  if (parsed === undefined) return null;
  const at = classNameAt(session, params.textDocument.uri, lineIndex(parsed).offset(params.position));
  if (at === undefined || !at.fromReference) return null;
  const model = session.model();
  // Every workspace definition (a duplicate is a finding of its own); the winning one first.
  const classes = model.priorityClasses.filter((c) => c.name === at.name && c.object !== undefined);
  const winner = model.classIndex.get(at.name);
  classes.sort((a, b) => Number(b === winner) - Number(a === winner));
  const locations: Location[] = [];
  for (const c of classes) {
    const object = c.object;
    const file = object === undefined ? undefined : model.files.get(object.file);
    if (object === undefined || file === undefined) continue;
    if (isRenderedKey(object.file)) {
      // Defined in a chart or overlay: its template or patch line.
      const at = session.rendered.placeMain(object.file, object.nameSpan.start);
      if (at !== undefined) locations.push({ uri: session.clientUri(at.file), range: at.range });
      continue;
    }
    locations.push(toLocation(session.clientUri(object.file), lineIndex(file), object.nameSpan));
  }
  return locations.length === 0 ? null : locations;
}
