import { expect } from 'chai';
import type { FailureCheck } from '../../../engine/api/composition.ts';
import { evaluateReadiness } from '../../../engine/compose/readiness.ts';
import { compileText, compositionYaml } from './support.ts';

const stack = (status: Record<string, unknown>): Record<string, unknown> => ({
  metadata: { name: 's', generation: 3 },
  status: { observedGeneration: 3, ...status },
});
const stalled = {
  type: 'Stalled',
  status: 'True',
  reason: 'UpdateFailed',
  message: 'pulumi up failed: boom',
};

describe('failedWhen', () => {
  const table: {
    name: string;
    observed: Record<string, unknown>;
    failedWhen: FailureCheck[];
    ready: boolean;
    reason: string;
    message?: string;
  }[] = [
    {
      name: 'a Stalled condition that is True fails, with its reason and message',
      observed: stack({ conditions: [{ type: 'Ready', status: 'False' }, stalled] }),
      failedWhen: [{ condition: 'Stalled' }],
      ready: false,
      reason: 'Failed',
      message: 'condition Stalled is True: UpdateFailed: pulumi up failed: boom',
    },
    {
      name: 'a path equal to a value fails, with the message at messagePath',
      observed: stack({ lastUpdate: { state: 'failed', message: 'quota exceeded' } }),
      failedWhen: [
        { path: 'status.lastUpdate.state', equals: 'failed', messagePath: 'status.lastUpdate.message' },
      ],
      ready: false,
      reason: 'Failed',
      message: 'status.lastUpdate.state is "failed": quota exceeded',
    },
    {
      name: 'a non-empty error path fails',
      observed: stack({ error: 'denied' }),
      failedWhen: [{ path: 'status.error', nonEmpty: true }],
      ready: false,
      reason: 'Failed',
      message: 'status.error is "denied"',
    },
    {
      name: 'checks that do not hold leave readiness to readyWhen',
      observed: stack({
        conditions: [
          { type: 'Ready', status: 'True' },
          { ...stalled, status: 'False' },
        ],
        lastUpdate: { state: 'succeeded' },
      }),
      failedWhen: [{ condition: 'Stalled' }, { path: 'status.lastUpdate.state', equals: 'failed' }],
      ready: true,
      reason: 'Ready',
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const result = evaluateReadiness(row.observed, [{ condition: 'Ready' }], row.failedWhen);
      expect(result.ready).to.equal(row.ready);
      expect(result.reason).to.equal(row.reason);
      if (row.message) expect(result.message).to.equal(row.message);
    });
  }

  it('compile rejects a failedWhen entry mixing forms, naming its path', () => {
    const text = compositionYaml({
      resources: `
    - id: config
      failedWhen:
        - {condition: Stalled, path: status.x, equals: 1}
      template: |
        apiVersion: v1
        kind: ConfigMap`,
    });
    const problems = compileText(text).problems;
    expect(problems.map((p) => [p.code, p.path])).to.deep.include([
      'failed.invalid',
      'spec.resources[0].failedWhen[0]',
    ]);
  });
});
