// Shared check for the rules that report problems found while reading files (syntax, duplicates, non-text, size).
import type { FileProblem } from '../../model/objects';
import type { RuleContext } from '../rule';

export function reportFileProblems(
  ctx: RuleContext,
  kinds: ReadonlyArray<FileProblem['kind']>,
  describe: (problem: FileProblem) => string,
): void {
  for (const file of ctx.targets) {
    const parsed = ctx.model.files.get(file);
    if (parsed === undefined) continue;
    for (const problem of parsed.problems) {
      if (kinds.includes(problem.kind)) ctx.report({ file, span: problem.span, message: describe(problem) });
    }
  }
}
