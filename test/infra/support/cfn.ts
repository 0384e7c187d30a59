/**
 * Helpers to read synthesized CloudFormation: render intrinsic functions into readable strings
 * (`${AWS::AccountId}`, `${Queue.Arn}`) so tests can compare ARNs built from tokens, and walk
 * every IAM statement of a template.
 *
 * @example
 * ```ts
 * render({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sqs']] }); // 'arn:${AWS::Partition}:sqs'
 * ```
 */
import type { Template } from 'aws-cdk-lib/assertions';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: Json;
  readonly Principal?: Json;
  readonly Condition?: Record<string, Record<string, Json>>;
  readonly Sid?: string;
}

/** Renders Ref / Fn::GetAtt / Fn::Join / Fn::Sub into a string; leaves other JSON as is. */
export function render(value: Json | undefined): Json | undefined {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => render(v) as Json);
  if ('Ref' in value) return `\${${String(value['Ref'])}}`;
  if ('Fn::GetAtt' in value) return `\${${(value['Fn::GetAtt'] as string[]).join('.')}}`;
  if ('Fn::Sub' in value && typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
  if ('Fn::Join' in value) {
    const [sep, parts] = value['Fn::Join'] as [string, Json[]];
    return parts.map((p) => String(render(p))).join(sep);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v) as Json]));
}

export function asList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function resources(template: Template, type?: string): Array<[string, CfnResource]> {
  const all = (template.toJSON() as { Resources: Record<string, CfnResource> }).Resources;
  return Object.entries(all).filter(([, r]) => type === undefined || r.Type === type);
}

/** Logical id of the one resource of `type` whose properties include `match` (shallow, by value). */
export function logicalId(template: Template, type: string, match: Record<string, Json>): string {
  const ids = Object.keys(template.findResources(type, { Properties: match }));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(match)}, found ${ids.length}`);
  return ids[0]!;
}

/** Every statement of every IAM policy, role inline policy and resource policy in the template. */
export function allStatements(template: Template): Array<{ resource: string; type: string; statement: Statement }> {
  const out: Array<{ resource: string; type: string; statement: Statement }> = [];
  for (const [id, r] of resources(template)) {
    const docs: Json[] = [];
    const p = r.Properties ?? {};
    if (p['PolicyDocument'] !== undefined) docs.push(p['PolicyDocument']);
    for (const inline of asList(p['Policies'] as Json[] | undefined)) docs.push((inline as { PolicyDocument: Json }).PolicyDocument);
    if (p['AssumeRolePolicyDocument'] !== undefined) docs.push(p['AssumeRolePolicyDocument']);
    for (const doc of docs) {
      for (const s of asList((doc as unknown as { Statement: Statement[] }).Statement)) out.push({ resource: id, type: r.Type, statement: s });
    }
  }
  return out;
}
