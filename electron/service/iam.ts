// The window's IAM requests (finding roles, generating their policies, revoking older sessions), adapted to IPC
// over the core's IAM features (which the CLI adapts to a terminal).
import type { RequestArgs, RequestHandlers, Result } from '../ipc/contract.js';
import type { AwsLocationOptions } from '../core/aws-files/index.js';
import type { RolebarCore } from '../core/index.js';
import { RolebarError } from '../core/domain/errors.js';
import {
  confirmRevokeText,
  discoveryView,
  type IamTools,
  roleArnOf,
  rolePoliciesView,
  withIamTools,
} from '../core/features/iam/index.js';

type IamChannel = 'iam:discover' | 'iam:policies' | 'iam:revoke-preview' | 'iam:revoke';
type Arg<C extends IamChannel> = RequestArgs<C>[0];

/** What the IAM handlers need from the service. */
export interface IamHandlerDeps {
  core: RolebarCore;
  location: AwsLocationOptions;
  now: () => number;
  /** The service's wrapper: expected failures become `{ ok: false }`. */
  attempt: <T>(operation: () => Promise<T>, changes: boolean) => Promise<Result<T>>;
}

/** The `iam:*` request handlers. None of them changes local state, so none publishes. */
export function iamHandlers(deps: IamHandlerDeps): Pick<RequestHandlers, IamChannel> {
  const { core, location, attempt } = deps;
  const tools = <T>(work: (t: IamTools) => Promise<T>) => withIamTools(core, location, work);
  const targetArn = (input: { roleId?: string | undefined; roleArn?: string | undefined }): string => {
    if ((input.roleId === undefined) === (input.roleArn === undefined)) {
      throw new RolebarError('invalid-input', 'Name the role by its id or by its ARN, not both.', {
        hint: 'Pass roleId or roleArn.',
      });
    }
    return input.roleArn ?? roleArnOf(core, core.roles.get(input.roleId ?? ''));
  };
  return {
    'iam:discover': ({ using, assumeAs }: Arg<'iam:discover'>) =>
      attempt(
        () =>
          tools(async (t) =>
            discoveryView(await t.discover({ listWith: using, ...(assumeAs ? { assumeAs } : {}) })),
          ),
        false,
      ),
    'iam:policies': ({ roleArn, forSource, mfa, externalId }: Arg<'iam:policies'>) =>
      attempt(
        () =>
          tools(async (t) =>
            rolePoliciesView(await t.policiesFor({ roleArn, assumeAs: forSource, mfa, externalId })),
          ),
        false,
      ),
    'iam:revoke-preview': (input: Arg<'iam:revoke-preview'>) =>
      attempt(async () => {
        const roleArn = targetArn(input);
        return { roleArn, text: confirmRevokeText(roleArn, new Date(deps.now())) };
      }, false),
    // `confirm` is checked by the contract: it can only be `true` here.
    'iam:revoke': ({ using, roleId, roleArn: arn }: Arg<'iam:revoke'>) =>
      attempt(
        () =>
          tools(async (t) => {
            const { roleArn, policyName, revokedBefore } = await t.revokeOlderSessions({
              roleArn: targetArn({ roleId, roleArn: arn }),
              using,
              now: new Date(deps.now()),
            });
            return { roleArn, policyName, revokedBefore };
          }),
        false,
      ),
  };
}
