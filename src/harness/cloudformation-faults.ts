// CloudFormation's control plane where moto 5.2.5 has none (anchors-wave2.md §0): stack outputs
// after a change set, termination protection, continue-update-rollback, failed executions with
// their rollbacks and events, stuck stacks, and `Replacement` on changes. Each function returns
// fault rules that answer in CloudFormation's documented shape (query protocol, XML); everything
// else (stacks, change sets, templates, parameters, events) stays moto's. Calls that moto does not
// implement go through moto first, so its IAM enforcement still judges them: a 403 is kept, only
// the "not implemented" answer is replaced.
import { randomUUID } from 'node:crypto';
import type { ProxyResponse } from './aws-call.js';
import type { FaultRule } from './fault-proxy.js';

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const esc = (s: string) => s.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));

function ok(action: string, result = ''): ProxyResponse {
  const body =
    `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}` +
    `Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) };
}

function edit(res: ProxyResponse, f: (xml: string) => string): ProxyResponse {
  if (res.status >= 300) return res;
  return { ...res, body: Buffer.from(f(res.body.toString('utf8'))) };
}

/**
 * moto's answer for an action it does not implement (HTTP 500) becomes CloudFormation's success; an IAM denial stays.
 */
const implemented =
  (action: string, result = '') =>
  (res: ProxyResponse) =>
    res.status === 403 || res.status < 300 ? res : ok(action, result);

const withStatus = (xml: string, status: string) =>
  xml.replace(/<StackStatus>[^<]*<\/StackStatus>/g, `<StackStatus>${status}</StackStatus>`);

export interface SimulatedEvent {
  readonly logicalId: string;
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
}

/** Prepends events (given oldest first) to a DescribeStackEvents answer, which lists newest first. */
function withEvents(xml: string, events: readonly SimulatedEvent[]): string {
  const stackId = /<StackId>([^<]+)<\/StackId>/.exec(xml)?.[1] ?? '';
  const stackName = /<StackName>([^<]+)<\/StackName>/.exec(xml)?.[1] ?? '';
  const now = Date.now();
  const members = events
    .map((e, i) => {
      const physical = e.type === 'AWS::CloudFormation::Stack' ? stackId : `${stackName}-${e.logicalId}`;
      const reason = e.reason ? `<ResourceStatusReason>${esc(e.reason)}</ResourceStatusReason>` : '';
      return (
        `<member><StackId>${stackId}</StackId><EventId>sim-${esc(e.logicalId)}-${i}-${e.status}` +
        `</EventId><StackName>${stackName}</StackName><LogicalResourceId>${esc(e.logicalId)}` +
        `</LogicalResourceId><PhysicalResourceId>${esc(physical)}</PhysicalResourceId><ResourceType>` +
        `${esc(e.type)}</ResourceType><Timestamp>${new Date(now + i).toISOString()}</Timestamp><ResourceStatus>` +
        `${e.status}</ResourceStatus>${reason}</member>`
      );
    })
    .reverse()
    .join('');
  return xml
    .replace('<StackEvents/>', '<StackEvents></StackEvents>')
    .replace('<StackEvents>', `<StackEvents>${members}`);
}

/** An event of the stack itself (CloudFormation names the stack as its own logical id). */
const stackEvent = (stack: string, status: string, reason?: string): SimulatedEvent => ({
  logicalId: stack,
  type: 'AWS::CloudFormation::Stack',
  status,
  ...(reason ? { reason } : {}),
});

/**
 * A rule that adds `events(stack)` (oldest first) to DescribeStackEvents answers while `active()`:
 * what CloudFormation writes for a change moto does not make.
 */
const stackEvents = (
  name: string,
  active: () => boolean,
  events: (stack: string) => readonly SimulatedEvent[],
): FaultRule => ({
  name,
  action: 'DescribeStackEvents',
  rewrite: (res) =>
    active() ? edit(res, (t) => withEvents(t, events(/<StackName>([^<]+)</.exec(t)?.[1] ?? 'stack'))) : res,
});

/** A rule that passes moto's answer to `action` through, and calls `then` when it succeeded. */
const onSuccess = (name: string, action: string, then: () => void): FaultRule => ({
  name,
  action,
  rewrite: (res) => {
    if (res.status < 300) then();
    return res;
  },
});

/** Stack outputs as AWS reports them once a change set was executed (moto leaves them empty). */
export function outputsAfterChangeSet(outputs: Readonly<Record<string, string>>): FaultRule[] {
  let executed = false;
  const xml = `<Outputs>${Object.entries(outputs)
    .map(([k, v]) => `<member><OutputKey>${esc(k)}</OutputKey><OutputValue>${esc(v)}</OutputValue></member>`)
    .join('')}</Outputs>`;
  return [
    onSuccess('simulated:execute-change-set', 'ExecuteChangeSet', () => {
      executed = true;
    }),
    {
      name: 'simulated:outputs',
      action: 'DescribeStacks',
      // moto writes an empty <Outputs/>, or no element at all (a stack CDK's CLI created).
      rewrite: (res) =>
        executed
          ? edit(res, (t) =>
              /<Outputs[ />]/.test(t)
                ? t.replace(/<Outputs\/>|<Outputs>.*?<\/Outputs>/gs, xml)
                : t.replace(/(<StackStatus>[^<]*<\/StackStatus>)/, `$1${xml}`),
            )
          : res,
    },
  ];
}

/** Termination protection, starting at `initial`: UpdateTerminationProtection sets it, DescribeStacks shows it. */
export function terminationProtection(initial: boolean): FaultRule[] {
  let on = initial;
  return [
    {
      name: 'simulated:update-termination-protection',
      action: 'UpdateTerminationProtection',
      rewrite: (res, call) => {
        const answer = implemented(
          'UpdateTerminationProtection',
          `<StackId>${esc(call.params.get('StackName') ?? '')}</StackId>`,
        )(res);
        if (answer.status < 300) on = call.params.get('EnableTerminationProtection') === 'true';
        return answer;
      },
    },
    {
      name: 'simulated:termination-protection',
      action: 'DescribeStacks',
      rewrite: (res) =>
        edit(res, (t) =>
          t.replace(
            /<EnableTerminationProtection>[^<]*<\/EnableTerminationProtection>/g,
            `<EnableTerminationProtection>${on}</EnableTerminationProtection>`,
          ),
        ),
    },
  ];
}

/**
 * A stack that a failed create left in ROLLBACK_COMPLETE (moto never fails one): DescribeStacks
 * shows it so until DeleteStack, which moto then performs; the events hold the old failure.
 */
export function rolledBackStack(failure: SimulatedEvent): FaultRule[] {
  let deleted = false;
  return [
    onSuccess('simulated:delete-rolled-back-stack', 'DeleteStack', () => {
      deleted = true;
    }),
    {
      name: 'simulated:rollback-complete',
      action: 'DescribeStacks',
      rewrite: (res) => (deleted ? res : edit(res, (t) => withStatus(t, 'ROLLBACK_COMPLETE'))),
    },
    stackEvents(
      'simulated:rollback-events',
      () => !deleted,
      (stack) => [failure, stackEvent(stack, 'ROLLBACK_COMPLETE')],
    ),
  ];
}

/**
 * A stack in UPDATE_ROLLBACK_FAILED until ContinueUpdateRollback (not implemented by moto); then
 * UPDATE_ROLLBACK_IN_PROGRESS for one DescribeStacks and UPDATE_ROLLBACK_COMPLETE after, with
 * the events CloudFormation writes, until a change set is executed. `skipped` receives the
 * ResourcesToSkip of the call.
 */
export function updateRollbackFailed(skipped: string[] = []): FaultRule[] {
  let continued = false;
  let moved = false;
  let polls = 0;
  return [
    {
      // Once a change set runs, the stack is moto's again.
      name: 'simulated:after-rollback',
      action: 'ExecuteChangeSet',
      rewrite: (res) => {
        if (res.status < 300 && continued) moved = true;
        return res;
      },
    },
    {
      name: 'simulated:continue-update-rollback',
      action: 'ContinueUpdateRollback',
      rewrite: (res, call) => {
        const answer = implemented('ContinueUpdateRollback')(res);
        if (answer.status < 300) {
          continued = true;
          for (const [k, v] of call.params) if (/^ResourcesToSkip\.member\.\d+$/.test(k)) skipped.push(v);
        }
        return answer;
      },
    },
    {
      name: 'simulated:update-rollback-failed',
      action: 'DescribeStacks',
      rewrite: (res) =>
        moved
          ? res
          : edit(res, (t) =>
              withStatus(
                t,
                !continued
                  ? 'UPDATE_ROLLBACK_FAILED'
                  : ++polls === 1
                    ? 'UPDATE_ROLLBACK_IN_PROGRESS'
                    : 'UPDATE_ROLLBACK_COMPLETE',
              ),
            ),
    },
    stackEvents(
      'simulated:update-rollback-events',
      () => continued,
      (stack) => [
        stackEvent(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', 'Continue rollback'),
        stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE'),
      ],
    ),
  ];
}

/**
 * An executed change set that fails: ExecuteChangeSet is accepted but not applied (the rollback
 * leaves the stack as it was), DescribeStacks shows `<CREATE|UPDATE>_IN_PROGRESS` once, then
 * `final`, and the events show the failing resources with their reasons, as CloudFormation does.
 */
export function failedExecution(o: {
  final: 'ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE';
  failures: readonly SimulatedEvent[];
}): FaultRule[] {
  let executed = false;
  let polls = 0;
  const verb = o.final === 'ROLLBACK_COMPLETE' ? 'CREATE' : 'UPDATE';
  const rollback = o.final === 'ROLLBACK_COMPLETE' ? 'ROLLBACK' : 'UPDATE_ROLLBACK';
  return [
    {
      name: 'simulated:failed-execution',
      action: 'ExecuteChangeSet',
      // Answered here, not by moto, so nothing is applied (moto's IAM enforcement of
      // ExecuteChangeSet is exercised by the scenarios where the execution succeeds).
      respond: () => {
        executed = true;
        return ok('ExecuteChangeSet');
      },
    },
    {
      name: 'simulated:failed-execution-status',
      action: 'DescribeStacks',
      rewrite: (res) =>
        !executed ? res : edit(res, (t) => withStatus(t, ++polls === 1 ? `${verb}_IN_PROGRESS` : o.final)),
    },
    stackEvents(
      'simulated:failed-execution-events',
      () => executed,
      (stack) => [
        stackEvent(stack, `${verb}_IN_PROGRESS`, 'User Initiated'),
        ...o.failures.flatMap((f) => [
          { logicalId: f.logicalId, type: f.type, status: `${verb === 'CREATE' ? 'CREATE' : 'UPDATE'}_IN_PROGRESS` },
          f,
        ]),
        stackEvent(
          stack,
          `${rollback}_IN_PROGRESS`,
          `The following resource(s) failed to ${verb === 'CREATE' ? 'create' : 'update'}: ` +
            `[${o.failures.map((f) => f.logicalId).join(', ')}].`,
        ),
        stackEvent(stack, o.final),
      ],
    ),
  ];
}

export interface SimulatedChange {
  readonly action: 'Add' | 'Modify' | 'Remove';
  readonly logicalId: string;
  readonly type: string;
  readonly replacement?: 'True' | 'False' | 'Conditional';
}

/** Changes as CloudFormation describes them, with `Replacement` (moto omits it and lists property edits as nothing). */
export function changeSetChanges(changes: readonly SimulatedChange[]): FaultRule[] {
  const members = changes
    .map(
      (c) =>
        `<member><Type>Resource</Type><ResourceChange><Action>${c.action}</Action><LogicalResourceId>` +
        `${esc(c.logicalId)}</LogicalResourceId><ResourceType>${esc(c.type)}</ResourceType>` +
        `${c.replacement ? `<Replacement>${c.replacement}</Replacement>` : ''}</ResourceChange></member>`,
    )
    .join('');
  return [
    {
      name: 'simulated:change-set-changes',
      action: 'DescribeChangeSet',
      rewrite: (res) =>
        edit(res, (t) =>
          t.includes('<Changes')
            ? t.replace(/<Changes\/>|<Changes>.*?<\/Changes>/s, `<Changes>${members}</Changes>`)
            : t,
        ),
    },
  ];
}
