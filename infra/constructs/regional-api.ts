/**
 * A region's HTTP API: every route of {@link API_ROUTES} to the api function, each requiring IAM
 * (SigV4) authorization — callers sign with their AWS credentials, and IAM policies decide who
 * may call what. One `$default` stage with JSON access logs and throttling.
 *
 * @example
 * ```ts
 * import { RegionalApi } from './regional-api.ts';
 * const api = new RegionalApi(stack, 'Api', { handler: apiFunction.function });
 * api.url; // https://{id}.execute-api.{region}.amazonaws.com/
 * ```
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ROUTES } from '../api-routes.ts';
import type { ApiRoute } from '../api-routes.ts';
import { MESH_DEFAULTS } from '../defaults.ts';

export interface RegionalApiProps {
  /** The function every route invokes. */
  readonly handler: IFunction;
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
    const integration = new HttpLambdaIntegration('ApiFunction', props.handler);
    for (const route of props.routes ?? API_ROUTES) {
      // The authorizer is the API default; repeated here so a route can never silently lose it.
      this.api.addRoutes({ path: route.path, methods: [route.method], integration, authorizer: new HttpIamAuthorizer() });
    }
  }

  /** The stage URL, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}
