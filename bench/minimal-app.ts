/** The baseline of `npm run bench`: a CDKTF app with one provider and one resource. */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { App, TerraformStack } from 'cdktf';

const app = new App();
const stack = new TerraformStack(app, 'minimal');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
new SsmParameter(stack, 'parameter', { name: '/bench/minimal', type: 'String', value: 'minimal' });
app.synth();
