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
 * fn.grantTable(table.tableArn, TABLE_ACCESS.api);
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
import type { TableAccess } from '../table-access.ts';

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
   * Lets it list event source mappings, to see which links are enabled (repair, the rebalancer
   * and the backfill skip a cut link). Read-only: it never switches one.
   *
   * @example
   * ```ts
   * repair.allowListMappings(); // statement ReadLinkState: lambda:ListEventSourceMappings on *
   * ```
   */
  allowListMappings(sid = 'ReadLinkState'): void {
    this.allow(new PolicyStatement({
      sid,
      // ListEventSourceMappings supports no resource-level permission: "*" is the only resource.
      actions: ['lambda:ListEventSourceMappings'],
      resources: ['*'],
    }));
  }

  /**
   * Grants exactly `access` (see table-access.ts) on a table, by ARN so a peer region's table works
   * the same: one statement for the table's items, one per named index — never `index/*`.
   */
  grantTable(tableArn: string, access: TableAccess): void {
    const statement = (actions: readonly string[], resource: string): void => {
      if (actions.length > 0) this.allow(new PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [resource] }));
    };
    const limited = access.updates !== undefined && access.table.includes('UpdateItem');
    statement(limited ? access.table.filter((a) => a !== 'UpdateItem') : access.table, tableArn);
    if (limited) {
      // Only counters are updated: the items whose partition key starts with one of these prefixes.
      this.allow(
        new PolicyStatement({
          actions: ['dynamodb:UpdateItem'],
          resources: [tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': (access.updates ?? []).map((p) => `${p}*`) } },
        }),
      );
    }
    for (const [name, actions] of Object.entries(access.indexes)) statement(actions ?? [], `${tableArn}/index/${name}`);
  }
}
