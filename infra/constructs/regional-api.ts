/**
 * A region's HTTP API: every route of {@link API_ROUTES}, each requiring IAM (SigV4)
 * authorization — callers sign with their AWS credentials, and IAM policies decide who may call
 * what (caller-policies.ts). Data routes invoke the api function, `admin` routes the admin
 * function. One `$default` stage with JSON access logs, a default throttle, and tighter
 * per-route throttles where a route spends Lambda's control-plane quota (route-throttles.ts).
 *
 * @example
 * ```ts
 * import { RegionalApi } from './regional-api.ts';
 * const api = new RegionalApi(stack, 'Api', { handler: apiFunction.function, adminHandler: adminFunction.function, regions: 3 });
 * api.url; // https://{id}.execute-api.{region}.amazonaws.com/
 * ```
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ROUTES } from '../api-routes.ts';
import type { ApiRoute } from '../api-routes.ts';
import { MESH_DEFAULTS } from '../defaults.ts';
import { routeThrottles } from '../route-throttles.ts';

export interface RegionalApiProps {
  /** The function the data (`read` and `write`) routes invoke. */
  readonly handler: IFunction;
  /** The function the `admin` routes invoke. */
  readonly adminHandler: IFunction;
  /** Regions of the mesh: the per-route throttles depend on it. */
  readonly regions: number;
  /** @default API_ROUTES */
  readonly routes?: readonly ApiRoute[];
  /** @default a generated name */
  readonly apiName?: string;
  /** What `cdk destroy` does with the access log group. @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** HTTP API context variables (REST-only ones like $context.resourcePath do not exist here). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  caller: '$context.identity.userArn',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
} as const;

export class RegionalApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: RegionalApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'HttpApi', {
      ...(props.apiName === undefined ? {} : { apiName: props.apiName }),
      description: 'eventually-consistent-mesh regional API (IAM-authorized)',
      defaultAuthorizer: new HttpIamAuthorizer(),
      // The default stage cannot take access-log settings; the explicit one below can.
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: MESH_DEFAULTS.function.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: MESH_DEFAULTS.api.throttlingRateLimit, burstLimit: MESH_DEFAULTS.api.throttlingBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    // L2 stages take one throttle for all routes; per-route settings exist only on the L1 resource,
    // as a raw JSON map: CloudFormation's own (PascalCase) property names.
    (this.stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      Object.entries(routeThrottles(props.regions)).map(([key, t]) => [key, { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit }]),
    );
    const data = new HttpLambdaIntegration('ApiFunction', props.handler);
    const admin = new HttpLambdaIntegration('AdminFunction', props.adminHandler);
    for (const route of props.routes ?? API_ROUTES) {
      // The authorizer is the API default; repeated here so a route can never silently lose it.
      const created = this.api.addRoutes({ path: route.path, methods: [route.method], integration: route.access === 'admin' ? admin : data, authorizer: new HttpIamAuthorizer() });
      // Route settings name routes by key: CloudFormation refuses them before the routes exist.
      this.stage.node.addDependency(...created);
    }
  }

  /** `arn:…:execute-api:<region>:<account>:<api-id>`: the prefix of every route's invoke ARN. */
  get apiArn(): string {
    return Stack.of(this).formatArn({ service: 'execute-api', resource: this.api.apiId });
  }

  /** The stage URL, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}
