/**
 * The admin route is separately authorizable (issue 8, finding 8): it is served by its own
 * function, and each region publishes three caller policies (data reader, data writer, operator)
 * whose `execute-api:Invoke` resources IAM tells apart, so a caller with data access cannot
 * partition the mesh by default. docs/deploy.md shows the same policies as the code renders them.
 */
import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES as HANDLER_ROUTES } from '../../functions/api.ts';
import { API_ROUTES, routeKey } from '../../infra/api-routes.ts';
import type { ApiRoute } from '../../infra/api-routes.ts';
import { CALLER_ROLES, callerPolicyDocument, invokeArn } from '../../infra/caller-policies.ts';
import type { CallerRole } from '../../infra/caller-policies.ts';
import { ENV } from '../../shared/config/env.ts';
import { asList, logicalId, render, resources } from './support/cfn.ts';
import type { Json } from './support/cfn.ts';
import { iamMatches, roleOf } from './support/iam.ts';
import { synthMesh } from './support/mesh-synth.ts';
import type { SynthesizedMesh } from './support/mesh-synth.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const ACCOUNT = '111122223333';
let mesh: SynthesizedMesh;
beforeAll(() => {
  mesh = synthMesh({ regions: REGIONS, account: ACCOUNT });
}, 240_000);

/** A concrete request ARN of a route, as API Gateway would authorize it (path parameters filled in). */
function requestArn(apiArn: string, route: ApiRoute, fill: string): string {
  return `${apiArn}/$default/${route.method}${route.path.replace(/\{[^}]+\}/g, fill)}`;
}

/** The rendered resources of a caller policy in a template. */
function policyResources(t: Template, role: CallerRole, region: string): string[] {
  const [, policy] = resources(t, 'AWS::IAM::ManagedPolicy').find(([, p]) => p.Properties?.['ManagedPolicyName'] === `ecmesh-${role}-${region}`) ?? [];
  expect(policy, `${role} policy`).toBeDefined();
  const statements = asList((policy!.Properties!['PolicyDocument'] as { Statement: Json[] }).Statement) as Array<{ Effect: string; Action: string; Resource: Json }>;
  expect(statements.map((s) => [s.Effect, s.Action])).toEqual([['Allow', 'execute-api:Invoke']]);
  return asList(render(statements[0]!.Resource) as Json).map(String);
}

describe.each(REGIONS)('region %s', (region) => {
  const t = (): Template => mesh.template(region);
  const apiArn = (): string => `arn:\${AWS::Partition}:execute-api:${region}:${ACCOUNT}:\${${logicalId(t(), 'AWS::ApiGatewayV2::Api', { Name: `ecmesh-api-${region}` })}}`;

  it('routes /admin/* to the admin function and every data route to the api function', () => {
    // Prepare
    const admin = resources(t(), 'AWS::Lambda::Function').find(([id]) => /^AdminFunction[0-9A-F]{8}$/.test(id))![0];
    const api = resources(t(), 'AWS::Lambda::Function').find(([id]) => /^ApiFunction[0-9A-F]{8}$/.test(id))![0];
    const integrationOf = (id: string) => resources(t(), 'AWS::ApiGatewayV2::Integration')
      .filter(([, i]) => JSON.stringify(i.Properties?.['IntegrationUri']) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] })).map(([iid]) => iid);
    // Act
    const targets = Object.fromEntries(resources(t(), 'AWS::ApiGatewayV2::Route').map(([, r]) => [
      String(r.Properties?.['RouteKey']),
      String((render(r.Properties?.['Target']) as string).replace(/^integrations\/\$\{(.+)\}$/, '$1')),
    ]));
    // Assess
    expect(integrationOf(admin)).toHaveLength(1);
    expect(integrationOf(api)).toHaveLength(1);
    for (const route of API_ROUTES) {
      expect(targets[routeKey(route)], routeKey(route)).toBe(route.access === 'admin' ? integrationOf(admin)[0] : integrationOf(api)[0]);
    }
    t().hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'PUT /admin/links/{from}/{to}', AuthorizationType: 'AWS_IAM' });
  });

  it('gives the admin function the handler environment and its own role', () => {
    const [, admin] = resources(t(), 'AWS::Lambda::Function').find(([id]) => /^AdminFunction[0-9A-F]{8}$/.test(id))!;
    const env = (admin.Properties!['Environment'] as { Variables: Record<string, Json> }).Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(Object.values(ENV)));
    expect(env[ENV.region]).toBe(region);
    expect(roleOf(t(), 'Admin')).not.toBe(roleOf(t(), 'Api'));
  });

  it.each(CALLER_ROLES)('publishes the %s policy on this region\'s API, with exactly its routes, and outputs its ARN', (role) => {
    // Act
    const granted = policyResources(t(), role, region);
    // Assess
    const expected = API_ROUTES.filter((r) => (role === 'data-reader' ? r.access === 'read'
      : role === 'data-writer' ? r.access !== 'admin'
        : r.access === 'admin' || routeKey(r) === 'GET /status'));
    expect(granted.sort()).toEqual(expected.map((r) => invokeArn(apiArn(), r)).sort());
    t().hasOutput(`CallerPolicy${role.replace('-', '')}`, { Value: { Ref: Match.stringLikeRegexp(`^CallerAccess${role.replace('-', '')}`) } });
  });

  it('lets no data policy authorize an admin request, and the operator policy no data request but GET /status', () => {
    // Prepare: every route as a request, with path parameters that look like regions and like route words
    const requests = API_ROUTES.flatMap((route) => ['eu-west-1', 'admin', 'links'].map((fill) => ({ route, arn: requestArn(apiArn(), route, fill) })));
    const granted = new Map(CALLER_ROLES.map((role) => [role, policyResources(t(), role, region)]));
    const allowed = (role: CallerRole, arn: string) => granted.get(role)!.some((p) => iamMatches(p, arn));
    // Act
    const who = requests.map(({ route, arn }) => ({ arn, key: routeKey(route), roles: CALLER_ROLES.filter((role) => allowed(role, arn)) }));
    // Assess
    for (const { arn, key, roles } of who) {
      const route = API_ROUTES.find((r) => routeKey(r) === key)!;
      const expected: CallerRole[] = route.access === 'admin' ? ['operator']
        : route.access === 'write' ? ['data-writer']
          : key === 'GET /status' ? ['data-reader', 'data-writer', 'operator'] : ['data-reader', 'data-writer'];
      expect(roles, arn).toEqual(expected);
    }
    // And the resources themselves: no ARN of the operator's (but /status) in a data policy, none of a data policy's in the operator's.
    const operator = granted.get('operator')!.filter((a) => !a.endsWith('/GET/status'));
    for (const role of ['data-reader', 'data-writer'] as const) {
      expect(granted.get(role)!.filter((a) => operator.includes(a))).toEqual([]);
    }
  });
});

describe('API Gateway routes', () => {
  it('are exactly the routes the handlers serve: a route missing here would answer 404 in AWS only', () => {
    // Prepare: the handler's patterns (`:key`) as API Gateway paths (`{key}`).
    const served = HANDLER_ROUTES.map((r) => `${r.method} /${r.pattern.map((p) => (p.startsWith(':') ? `{${p.slice(1)}}` : p)).join('/')}`).sort();
    // Act
    const routed = API_ROUTES.map(routeKey).sort();
    // Assess
    expect(routed).toEqual(served);
  });
});

describe('docs/deploy.md', () => {
  it('shows each caller policy exactly as the stacks render it', () => {
    // Prepare
    const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    const sample = 'arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5';
    for (const role of CALLER_ROLES) {
      // Act: the JSON block right after the role's heading line
      const block = new RegExp(`\`${role}\`[^\\n]*\\n+\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
      // Assess
      expect(block, `no policy block for ${role}`).not.toBeNull();
      expect(JSON.parse(block![1]!), role).toEqual(callerPolicyDocument(role, sample));
    }
  });
});
