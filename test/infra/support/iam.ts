/**
 * Reads what a mesh function's role may do, from a synthesized template: its role's logical id,
 * and every allowed action per (rendered) resource over all policies attached to that role. So a
 * test can state the exact grants of a function and see any extra action as a failure.
 *
 * @example
 * ```ts
 * const role = roleOf(template, 'Api');
 * grantsOf(template, role, 'dynamodb:'); // { '${EventsTable….Arn}': ['dynamodb:GetItem', …], … }
 * iamMatches('arn:aws:execute-api:*:1:abc/*\/GET/kv/*', 'arn:aws:execute-api:us-east-1:1:abc/$default/GET/kv/k'); // true
 * ```
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { asList, render, resources } from './cfn.ts';
import type { Json, Statement } from './cfn.ts';

/** Logical id of the role of the function whose construct id is `fn` (e.g. 'Api' -> ApiRole…). */
export function roleOf(template: Template, fn: string): string {
  const functions = resources(template, 'AWS::Lambda::Function').filter(([id]) => new RegExp(`^${fn}Function[0-9A-F]{8}$`).test(id));
  if (functions.length !== 1) throw new Error(`expected one function ${fn}, found ${functions.length}`);
  const role = functions[0]![1].Properties?.['Role'] as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

/** Logical ids of the IAM policies attached to a role. */
export function policiesOf(template: Template, roleId: string): string[] {
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, p]) => asList(p.Properties?.['Roles'] as Json[]).some((r) => (r as { Ref?: string }).Ref === roleId))
    .map(([id]) => id);
}

/** Every statement of the policies attached to a role. */
export function statementsOf(template: Template, roleId: string): Statement[] {
  const all = (template.toJSON() as { Resources: Record<string, { Properties: { PolicyDocument: { Statement: Statement[] } } }> }).Resources;
  return policiesOf(template, roleId).flatMap((id) => asList(all[id]!.Properties.PolicyDocument.Statement));
}

/**
 * Allowed actions by rendered resource, limited to actions starting with `prefix`; actions sorted,
 * resources with no such action left out.
 */
export function grantsOf(template: Template, roleId: string, prefix = ''): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const s of statementsOf(template, roleId)) {
    if (s.Effect !== 'Allow') continue;
    const actions = asList(s.Action).filter((a) => a.startsWith(prefix));
    if (actions.length === 0) continue;
    for (const r of asList(render(s.Resource as Json) as Json)) {
      const key = String(r);
      out[key] ??= new Set();
      for (const a of actions) out[key].add(a);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** Whether an IAM resource pattern (`*` any run of characters, `?` one character) matches an ARN. */
export function iamMatches(pattern: string, arn: string): boolean {
  const regex = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${regex}$`).test(arn);
}
