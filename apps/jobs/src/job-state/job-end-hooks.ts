import { JobDocument } from '@cae/mongo';

/**
 * Something to do once a job reached a final state (`done`, `failed` or `cancelled`): the `confirmEmail` notice
 * (NoticeOnEnd), a completion callback. Called by JobStateRepository after the final state is stored, each time an
 * end event is applied: a replayed event (after a crash or a rebalance) calls it again, so it must be idempotent,
 * e.g. a conditional update that queues work once, sent later by a sender of its own (see NotifierService). A hook
 * that throws makes the event be retried; it must never change the job's state.
 *
 * To add one: a provider implementing this, listed in the JOB_END_HOOKS factory of JobStateModule.
 */
export interface JobEndHook {
  jobEnded(job: JobDocument): Promise<void>;
}

/** The injection token of the list of JobEndHooks, called in their order. */
export const JOB_END_HOOKS = Symbol('JOB_END_HOOKS');
