// The direct path from API objects (JSON values the cluster returned) to the object model: the same K8sObjects, with
// the same trees, typed readers and problems, that parseFile builds from manifest text, without serialising the values
// to text and parsing them again. Objects from a cluster point nowhere (empty spans at 0, a file with no text).
import { nodeFromValue } from '../syntax/from-value';
import { isMap } from '../syntax/tree';
import { flat } from '../text';
import { collectObjects, maxObjectsPerFile } from './objects';
import type { K8sObject, Origin, ParsedFile } from './objects';

/** objectsFromApi reads the objects of interest among `values` (`kind: List` values contribute their items). */
export function objectsFromApi(values: readonly unknown[], file: string, origin: Origin = 'cluster'): K8sObject[] {
  const out: K8sObject[] = [];
  for (const value of values) {
    if (out.length > maxObjectsPerFile) break;
    const root = nodeFromValue(value);
    if (isMap(root)) collectObjects(root, file, origin, out, 0);
  }
  return out;
}

/**
 * parsedFromApi is the ParsedFile of a list of API objects, under a name of the caller's choosing (e.g.
 * `cluster:///<context>/PriorityClass.yaml`): what AnalysisHost.setClusterParsed and the predictor take.
 */
export function parsedFromApi(name: string, values: readonly unknown[], origin: Origin = 'cluster'): ParsedFile {
  const file = flat(name);
  const objects = objectsFromApi(values, file, origin);
  const parsed: ParsedFile = { file, text: '', objects, problems: [], documents: values.length, parsedDocuments: values.length };
  if (objects.length > maxObjectsPerFile) {
    objects.length = maxObjectsPerFile;
    parsed.problems.push({
      kind: 'too-large',
      message: `more than ${maxObjectsPerFile} objects; only the first ${maxObjectsPerFile} were analysed`,
      span: { start: 0, end: 0 },
    });
  }
  return parsed;
}
