/**
 * The CDK app (`cdk.json` runs `npx tsx infra/app.ts`): one stack per region of the mesh.
 *
 * Context: `regions` (comma list, default from cdk.json), `meshName` (default `ecmesh`),
 * `account` (default: CDK_DEFAULT_ACCOUNT, i.e. the caller's credentials), `removalPolicy`
 * (`retain` | `destroy`, default `retain`), `repair` (default: deployed when
 * functions/repair.ts exists), `retiredRegions` (comma list of regions removed from the mesh whose
 * events remain; default none), `alarmTopicName` (an existing SNS topic in every region for the
 * alarms; default: each stack creates one), `backfillRate` (events/s a joining region's backfill
 * reads from a peer at most; default no cap).
 *
 * @example
 * ```sh
 * npx cdk synth -c regions=us-east-1,eu-west-1
 * npx cdk deploy --all -c regions=us-east-1,eu-west-1,ap-southeast-2
 * ```
 */
import { App } from 'aws-cdk-lib';
import { resolveMeshConfig } from './config.ts';
import { buildMesh } from './mesh-app.ts';
import { handlerExists } from './paths.ts';

const app = new App();
const context = (key: string): unknown => app.node.tryGetContext(key);
const account = process.env['CDK_DEFAULT_ACCOUNT'];
const config = resolveMeshConfig(
  {
    regions: context('regions'),
    meshName: context('meshName'),
    account: context('account'),
    removalPolicy: context('removalPolicy'),
    repair: context('repair'),
    retiredRegions: context('retiredRegions'),
    alarmTopicName: context('alarmTopicName'),
    backfillRate: context('backfillRate'),
  },
  { ...(account === undefined ? {} : { account }), repair: handlerExists('repair') },
);
if (config.account === undefined) {
  // Not an error: every ARN uses the AWS::AccountId pseudo parameter, resolved at deploy time.
  console.error('infra: no account (CDK_DEFAULT_ACCOUNT or -c account=...): synthesizing account-agnostic stacks');
}
buildMesh(app, config);
app.synth();
