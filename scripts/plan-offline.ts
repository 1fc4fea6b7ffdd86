/**
 * npm run plan:offline [-- <env> ...]: Terraform plans every stack of every shipped environment
 * (or those named) against mocked providers, offline. Exit 1 on any error, 2 when nothing can plan.
 *   --download   install providers the mirror lacks from the registry (CI with network)
 *   --verbose    print Terraform's whole output of each plan
 */
import { DropError } from '../constructs/validation';
import { planEnvironments } from '../review/plan';

process.setSourceMapsEnabled(false);

async function main(argv: string[]): Promise<number> {
  const names = argv.filter((a) => !a.startsWith('--'));
  const { skipped, toolchain, plans } = await planEnvironments(names.length > 0 ? names : undefined, {
    env: process.env,
    download: argv.includes('--download'),
  });
  if (skipped) {
    console.error(`Offline plan skipped: ${skipped}.`);
    return 2;
  }
  console.log(
    `terraform ${toolchain!.terraform}; providers planned: ${Object.entries(toolchain!.available)
      .map(([n, v]) => `${n} ${v}`)
      .join(', ')}`,
  );
  let errors = 0;
  for (const { environment, results } of plans) {
    for (const result of results) {
      errors += result.errors.length + (result.ok || result.errors.length > 0 ? 0 : 1);
      const evaluated = result.evaluated.length > 0 ? ` (${result.evaluated.length} evaluated, not planned)` : '';
      console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${environment}/${result.stack}${evaluated}`);
      for (const note of result.notes) console.log(`       note: ${note}`);
      for (const error of result.errors) console.log(error.replace(/^/gm, '       '));
      if (!result.ok && result.errors.length === 0) console.log(result.output.replace(/^/gm, '       '));
      if (argv.includes('--verbose')) console.log(result.output);
    }
  }
  const count = plans.reduce((n, p) => n + p.results.length, 0);
  console.log(`${count} stack plans, ${errors} errors`);
  return errors > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof DropError ? error.message : error);
    process.exitCode = 1;
  },
);
