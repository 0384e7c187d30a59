/**
 * The one house Lambda construct: every mesh function is a NodejsFunction bundled locally by
 * esbuild (ESM, minified, source maps) on the newest Node.js runtime, arm64, X-Ray tracing, its
 * own log group with a retention, and its own role that holds only what the grant helpers add —
 * no AWS managed policy, so every permission is visible in this repository.
 *
 * @example
 * ```ts
 * import { MeshFunction } from './mesh-function.ts';
 * const fn = new MeshFunction(stack, 'Api', { entry: handlerEntry('api'), environment: env });
 * fn.grantTable(table.tableArn, ['byId'], 'readwrite');
 * ```
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type { Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MESH_DEFAULTS } from '../defaults.ts';
import { LOCK_FILE, REPO_ROOT } from '../paths.ts';

export interface MeshFunctionProps {
  /** Absolute path of the handler source; it must `export const handler`. */
  readonly entry: string;
  /** Physical function name. @default a CloudFormation-generated name */
  readonly functionName?: string;
  /** Physical role name, for roles other regions name in their policies. @default a generated name */
  readonly roleName?: string;
  /** @default no description */
  readonly description?: string;
  /** Environment variables (the handler contract in shared/config/env.ts). @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default MESH_DEFAULTS.function.timeout (30 seconds) */
  readonly timeout?: Duration;
  /** @default MESH_DEFAULTS.function.memorySize (512 MB) */
  readonly memorySize?: number;
  /** @default MESH_DEFAULTS.function.logRetention (one month) */
  readonly logRetention?: RetentionDays;
  /** What `cdk destroy` does with the log group. @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** DynamoDB actions a reader needs (Query/GetItem serve every read path; Scan serves digests). */
const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
/** Writers put and update, never delete: the event store is append-only, and IAM says so too. */
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];

export class MeshFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: IRole;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: MeshFunctionProps) {
    super(scope, id);
    const d = MESH_DEFAULTS.function;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? d.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      ...(props.roleName === undefined ? {} : { roleName: props.roleName }),
      description: `Execution role of ${props.functionName ?? id}`,
    });
    this.role = role;
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this group only.
    this.logGroup.grantWrite(role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      ...(props.functionName === undefined ? {} : { functionName: props.functionName }),
      ...(props.description === undefined ? {} : { description: props.description }),
      runtime: d.runtime,
      architecture: d.architecture,
      memorySize: props.memorySize ?? d.memorySize,
      timeout: props.timeout ?? d.timeout,
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      role,
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: { ...d.bundling, mainFields: [...d.bundling.mainFields] },
    });
  }

  /** Adds one statement to the function's role. */
  allow(statement: PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }

  /**
   * Grants item access to a table (by ARN, so a peer region's table works the same) and to the
   * named indexes only — no `index/*`.
   */
  grantTable(tableArn: string, indexNames: readonly string[], mode: 'read' | 'readwrite'): void {
    const resources = [tableArn, ...indexNames.map((n) => `${tableArn}/index/${n}`)];
    const actions = mode === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    this.allow(new PolicyStatement({ actions, resources }));
  }
}
