/**
 * The caller policies of one region's API (see ../caller-policies.ts) as IAM managed policies,
 * named `<mesh>-<role>-<region>`, ready to attach to the users, groups or roles that call the
 * mesh: `data-reader`, `data-writer` and `operator`. They grant `execute-api:Invoke` on this
 * region's API only, route by route.
 *
 * @example
 * ```ts
 * import { CallerAccess } from './caller-access.ts';
 * const access = new CallerAccess(stack, 'CallerAccess', { meshName: 'ecmesh', region: 'us-east-1', apiArn: httpApi.apiArn });
 * access.policies.get('operator')!.managedPolicyArn;
 * ```
 */
import { PolicyDocument, ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CALLER_ROLES, callerPolicyDocument } from '../caller-policies.ts';
import type { CallerRole } from '../caller-policies.ts';

export interface CallerAccessProps {
  readonly meshName: string;
  readonly region: string;
  /** `arn:…:execute-api:<region>:<account>:<api-id>` of the region's API. */
  readonly apiArn: string;
}

/**
 * Physical name of a caller policy (IAM is global: the region is part of it).
 * @example callerPolicyName('ecmesh', 'operator', 'eu-west-1'); // 'ecmesh-operator-eu-west-1'
 */
export function callerPolicyName(meshName: string, role: CallerRole, region: string): string {
  return `${meshName}-${role}-${region}`;
}

export class CallerAccess extends Construct {
  readonly policies: ReadonlyMap<CallerRole, ManagedPolicy>;

  constructor(scope: Construct, id: string, props: CallerAccessProps) {
    super(scope, id);
    this.policies = new Map(CALLER_ROLES.map((role) => [role, new ManagedPolicy(this, role, {
      managedPolicyName: callerPolicyName(props.meshName, role, props.region),
      description: `eventually-consistent-mesh ${props.meshName}: ${role} routes of the ${props.region} API`,
      document: PolicyDocument.fromJson(callerPolicyDocument(role, props.apiArn)),
    })]));
  }
}
