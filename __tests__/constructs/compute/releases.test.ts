import { DataAwsSsmParametersByPath } from '@cdktf/provider-aws/lib/data-aws-ssm-parameters-by-path';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { RELEASE_VALUE_PARTS } from '../../../constructs/compute/release-pointer';
import { Releases } from '../../../constructs/compute/releases';
import { Naming } from '../../../constructs/naming';
import { testApp } from '../../helpers';

/** GIVEN a stack holding only the release pointers of api and web, with what they offer as outputs; WHEN synthesized. */
function releasesInStack() {
  const stack = new TerraformStack(testApp(), 'test');
  const releases = new Releases(stack, 'releases', { naming: new Naming({ project: 'drop', name: 'staging' }), services: ['api', 'web'] });
  new TerraformOutput(stack, 'api-digest', { value: releases.digest('api') });
  new TerraformOutput(stack, 'api-tag', { value: releases.tag('api') });
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) };
}

describe('Releases', () => {
  const { json, parsed } = releasesInStack();
  const [id] = Object.keys(parsed.data.aws_ssm_parameters_by_path);
  const pointers = parsed.data.aws_ssm_parameters_by_path[id];
  const pointer = `element(nonsensitive(data.aws_ssm_parameters_by_path.${id}.values), index(data.aws_ssm_parameters_by_path.${id}.names, "/drop/staging/release/api"))`;

  it("reads the environment's release pointers in one read of their folder", () => {
    expect(json).toHaveDataSourceWithProperties(DataAwsSsmParametersByPath, { path: '/drop/staging/release' });
    expect(Object.keys(parsed.data)).toEqual(['aws_ssm_parameters_by_path']);
  });

  it('offers the digest and the tag of a service from its pointer <tag>@<digest>', () => {
    expect(parsed.output['api-digest'].value).toBe(`\${element(split("@", ${pointer}), 1)}`);
    expect(parsed.output['api-tag'].value).toBe(`\${element(split("@", ${pointer}), 0)}`);
  });

  it('fails the plan when a service has no pointer, naming the parameter and the command that records it', () => {
    const [api, web] = pointers.lifecycle.postcondition;
    expect(api).toEqual({
      condition: '${contains(self.names, "/drop/staging/release/api")}',
      error_message:
        'No release of api is recorded for staging (SSM parameter /drop/staging/release/api). Push and scan its image, then run: npm run release -- --env staging --service api --tag <tag>',
    });
    expect(web.condition).toBe('${contains(self.names, "/drop/staging/release/web")}');
  });

  it('fails the plan when a pointer does not hold <tag>@sha256:<digest>, with the rule the scripts use', () => {
    const [, , format] = pointers.lifecycle.postcondition;
    expect(format.error_message).toMatch(/^A release pointer under \/drop\/staging\/release does not hold "<tag>@sha256:<64 hex digits>"/);
    // The regex as Terraform receives it (backslashes escaped once more inside the HCL string).
    const sent = /can\(regex\("(.*)", v\)\)/.exec(format.condition)![1].replace(/\\\\/g, '\\');
    const rule = new RegExp(sent);
    expect(rule.test(`v1.2.3@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(rule.test('v1.2.3')).toBe(false);
    expect(rule.test(`v1.2.3@sha256:${'a'.repeat(63)}`)).toBe(false);
    expect(RELEASE_VALUE_PARTS.exec(`v1.2.3@sha256:${'a'.repeat(64)}`)?.[1]).toBe('v1.2.3');
  });
});
