// Which files of a rule's fixture folder (test/rules/<id>/) are cases, shared by test/rules/*.test.ts and the golden
// surfaces dump (bench/golden-surfaces.ts), so a new kind of companion file cannot turn into a case by accident.
//   <case>.yaml|.yml|.json      a case
//   <case>.cluster.yaml|.yml    the cluster state of <case> (origin 'cluster')
//   <case>.expect.json          sidecar expectations of <case>
//   <case>.fixed.yaml|.yml|.json  <case> with every quick fix of the folder's rule applied (asserted, UPDATE_FIXTURES=1)

/** A case file name: `<case>.yaml|.yml|.json`; the stem is group 1, the extension group 2. */
export const caseFile = /^(.*)\.(ya?ml|json)$/i;

/** isCompanionFile tells the files that belong to a case without being one. */
export function isCompanionFile(name: string): boolean {
  return /\.cluster\.ya?ml$/i.test(name) || /\.expect\.json$/i.test(name) || /\.fixed\.(ya?ml|json)$/i.test(name);
}

/** isRuleCaseFile tells whether a file (not a directory) of a rule's fixture folder is a case. */
export function isRuleCaseFile(name: string): boolean {
  return caseFile.test(name) && !isCompanionFile(name);
}

/** fixedFileOf names the file holding a case after its fixes: `invalid.yaml` → `invalid.fixed.yaml`. */
export function fixedFileOf(caseName: string): string {
  return caseName.replace(caseFile, '$1.fixed.$2');
}
