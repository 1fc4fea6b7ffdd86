/**
 * The schema of `config/control.json`: what the control plane of every environment shares, the
 * Terraform Cloud organization and project, the GitHub repository and its deploy branch, and the
 * AWS accounts the environments live in. The per-environment parts (the GitHub environment, its
 * reviewers, the account and region) stay in each `config/environments/<name>.json`.
 */
import { z } from 'zod';
import { closed } from './schema';

/** Terraform Cloud organization and project names: letters, digits, "-" and "_". */
const tfcName = z.string().regex(/^[A-Za-z0-9_-]{3,40}$/, { error: 'expected 3 to 40 letters, digits, "-" or "_"' });

export const controlSchema = closed({
  $schema: z.string().optional().describe('The JSON Schema of this file, for editors: "./control.schema.json".'),
  project: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,15}$/, { error: 'expected lower-case letters and digits' })
    .describe('The project name every environment file states ("drop"): the first part of every name the control plane makes.'),
  terraformCloud: closed({
    organization: tfcName.describe('The Terraform Cloud organization (made by hand once: the one thing the bootstrap cannot make).'),
    hostname: z
      .string()
      .regex(/^[a-z0-9.-]+$/, { error: 'expected a host name such as "app.terraform.io"' })
      .default('app.terraform.io')
      .describe('The Terraform Cloud (or Enterprise) host; also the issuer of its workload identity tokens. @default app.terraform.io'),
    project: tfcName.describe("The project of the environments' workspaces (drop-<env>-<stack>)."),
    controlProject: tfcName
      .optional()
      .describe(
        'The project of the control workspace itself (<project>-control), where only the owners team has access: its state holds the GitHub secrets. @default - "<project>-control"',
      ),
  }).describe('Terraform Cloud: the organization, and the projects the bootstrap creates.'),
  github: closed({
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'expected "owner/name"' })
      .describe('The GitHub repository whose workflows deliver the platform.'),
    deployBranch: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, { error: 'expected a branch name' })
      .describe('The branch whose pushes build, push images and deploy; the only branch the GitHub environments admit.'),
  }).describe('The GitHub repository and its deploy branch.'),
  accounts: z
    .array(
      closed({
        id: z
          .string()
          .regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id such as "123456789012"' })
          .describe('The account id.'),
        oidcProviders: z
          .enum(['create', 'existing'])
          .describe(
            'The account-wide OIDC providers of GitHub (token.actions.githubusercontent.com) and Terraform Cloud (the hostname): ' +
              '"create" them here, or use the "existing" ones (made by another project of the account).',
          ),
        profile: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected an AWS CLI profile name' })
          .optional()
          .describe(
            'The AWS CLI profile of an administrator of this account on the machine that runs the bootstrap. @default - the default credential chain (enough when there is one account)',
          ),
      }),
    )
    .min(1, { error: 'expected at least one account' })
    .describe('Every AWS account an environment lives in; the bootstrap creates the identities in each.'),
  state: z
    .enum(['local', 'terraform-cloud'])
    .describe(
      'Where the control stack keeps its own state: "local" for the first run (terraform.<project>-control.tfstate at the project root), ' +
        'then "terraform-cloud" (the <project>-control workspace that run creates, in the control project, local execution). See docs/deploying.md, "Bootstrap".',
    ),
});

export type ControlInput = z.input<typeof controlSchema>;
export type ControlConfig = z.output<typeof controlSchema>;
