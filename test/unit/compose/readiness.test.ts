import { expect } from 'chai';
import type { ReadyCheck } from '../../../engine/api/composition.ts';
import { evaluateReadiness } from '../../../engine/compose/readiness.ts';

const object = (status: Record<string, unknown>, generation = 2): Record<string, unknown> => ({
  metadata: { name: 'x', generation },
  status,
});
const ready = { type: 'Ready', status: 'True' };

describe('readiness', () => {
  const table: {
    name: string;
    observed: unknown;
    checks: ReadyCheck[];
    ready: boolean;
    reason: string;
    message?: string;
  }[] = [
    {
      name: 'missing object',
      observed: undefined,
      checks: [],
      ready: false,
      reason: 'NotFound',
      message: 'the object does not exist yet',
    },
    {
      name: 'exists, no checks',
      observed: object({}),
      checks: [],
      ready: true,
      reason: 'Ready',
      message: 'the object exists',
    },
    {
      name: 'condition True',
      observed: object({ conditions: [ready] }),
      checks: [{ condition: 'Ready' }],
      ready: true,
      reason: 'Ready',
    },
    {
      name: 'condition False with reason',
      observed: object({
        conditions: [{ type: 'Ready', status: 'False', reason: 'Deploying', message: 'pods starting' }],
      }),
      checks: [{ condition: 'Ready' }],
      ready: false,
      reason: 'ConditionNotMet',
      message: 'condition Ready is False, want True (Deploying: pods starting)',
    },
    {
      name: 'condition missing',
      observed: object({}),
      checks: [{ condition: 'Ready' }],
      ready: false,
      reason: 'ConditionMissing',
      message: 'condition Ready is not reported yet',
    },
    {
      name: 'stale condition',
      observed: object({ conditions: [{ ...ready, observedGeneration: 1 }] }),
      checks: [{ condition: 'Ready' }],
      ready: false,
      reason: 'ConditionStale',
      message: 'condition Ready describes generation 1, the object is at 2',
    },
    {
      name: 'wanted status False',
      observed: object({ conditions: [{ type: 'Stalled', status: 'False' }] }),
      checks: [{ condition: 'Stalled', status: 'False' }],
      ready: true,
      reason: 'Ready',
    },
    {
      name: 'path equals',
      observed: object({ phase: 'Running' }),
      checks: [{ path: 'status.phase', equals: 'Running' }],
      ready: true,
      reason: 'Ready',
    },
    {
      name: 'path differs',
      observed: object({ phase: 'Pending' }),
      checks: [{ path: 'status.phase', equals: 'Running' }],
      ready: false,
      reason: 'ValueMismatch',
      message: 'status.phase is "Pending", want "Running"',
    },
    {
      name: 'path equals an object',
      observed: object({ a: { b: [1, 2] } }),
      checks: [{ path: 'status.a', equals: { b: [1, 2] } }],
      ready: true,
      reason: 'Ready',
    },
    {
      name: 'nonEmpty list',
      observed: object({ ips: ['1.2.3.4'] }),
      checks: [{ path: 'status.ips', nonEmpty: true }],
      ready: true,
      reason: 'Ready',
    },
    {
      name: 'empty list',
      observed: object({ ips: [] }),
      checks: [{ path: 'status.ips', nonEmpty: true }],
      ready: false,
      reason: 'ValueEmpty',
      message: 'status.ips is empty',
    },
    {
      name: 'indexed path',
      observed: object({ lb: [{ ip: '' }] }),
      checks: [{ path: 'status.lb[0].ip', nonEmpty: true }],
      ready: false,
      reason: 'ValueEmpty',
    },
    {
      name: 'generation observed',
      observed: object({ observedGeneration: 2 }),
      checks: [{ observedGeneration: true }],
      ready: true,
      reason: 'Ready',
    },
    {
      name: 'generation not observed',
      observed: object({ observedGeneration: 1 }),
      checks: [{ observedGeneration: true }],
      ready: false,
      reason: 'GenerationNotObserved',
      message: 'status.observedGeneration is 1, metadata.generation is 2',
    },
    {
      name: 'first failing check wins',
      observed: object({ conditions: [ready], observedGeneration: 1 }),
      checks: [{ condition: 'Ready' }, { observedGeneration: true }],
      ready: false,
      reason: 'GenerationNotObserved',
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      const result = evaluateReadiness(t.observed, t.checks);
      expect(result.ready).to.equal(t.ready);
      expect(result.reason).to.equal(t.reason);
      if (t.message) expect(result.message).to.equal(t.message);
    });
  }
});
