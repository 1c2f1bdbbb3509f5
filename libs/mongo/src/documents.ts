import { ObjectId } from 'mongodb';

/** A contact activity as the platform stores it (DESIGN.md, section 4). */
export interface ActivityDocument {
  _id: ObjectId;
  accountId: string;
  cID: string;
  email?: string;
  action: string;
  time: Date;
  bmID?: string;
  mdtID?: string;
  mcID?: string;
  message_name?: string;
  first?: boolean;
  properties?: Record<string, unknown>;
  system_properties?: Record<string, unknown>;
}

export interface ApiKeyDocument {
  accountId: string;
  keyHash: string;
  label?: string;
  createdAt: Date;
  revokedAt?: Date;
}

/**
 * `pending` -> `processing` -> `done` | `failed`; `pending` or `processing` -> `cancelling` -> `cancelled` on a cancel
 * request (DELETE /v2/jobs/{id}). `done`, `failed` and `cancelled` are final; `cancelling` already counts as ended for
 * every service but the jobs service, which ends it `cancelled` once nothing works on it any more.
 */
export type JobStatus = 'pending' | 'processing' | 'cancelling' | 'done' | 'failed' | 'cancelled';

/** A job in one of these states is still worked on. */
export const ACTIVE_JOB_STATUSES = ['pending', 'processing'] as const satisfies readonly JobStatus[];
/** A job in one of these states never moves again. */
export const FINAL_JOB_STATUSES = ['done', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];
export type FinalJobStatus = (typeof FINAL_JOB_STATUSES)[number];
/** A cancel request was applied to a job in one of these states: it is being, or was, cancelled. */
export const CANCELLED_JOB_STATUSES = ['cancelling', 'cancelled'] as const satisfies readonly JobStatus[];

export interface JobFileDocument {
  _id: string; // `${jobId}:${chunkIndex}`: one document per file, so a replayed event overwrites, never adds
  jobId: string;
  accountId: string;
  chunkIndex: number;
  name: string;
  records: number;
  bytes: number;
  sha256: string;
  storageKey?: string;
  /** Where an external destination received the file (no credentials). */
  location?: string;
  deliveredAt: Date;
  expiresAt?: Date;
  /** Set by the sweeper once the file was removed from internal storage. */
  expired?: boolean;
}

/** The `confirmEmail` notice of an ended job: sent at least once, retried with backoff, never fails the job. */
export interface JobNotice {
  state: 'pending' | 'sent' | 'abandoned';
  attempts: number;
  nextAttemptAt?: Date;
  sentAt?: Date;
  lastError?: string;
}

/**
 * The completion callback of a job whose request has a `callbackUrl`: stored `pending` with the job, POSTed by the
 * jobs service once the job has ended, signed, retried with backoff, at least once; it never changes the job.
 */
export interface JobCallback {
  state: 'pending' | 'delivered' | 'abandoned';
  /** The same on every attempt: receivers dedupe on it. */
  eventId: string;
  /**
   * The callbackUrl, sealed with CREDENTIALS_KEY for this job (its path and query may carry the receiver's token):
   * the stored request shows the URL's origin only. Jobs stored before it existed keep the URL in their request.
   */
  sealedUrl?: string;
  attempts: number;
  /** Not before this (the next retry, or the end of the claim of the replica sending it). */
  nextAttemptAt?: Date;
  /** The attempt under way: only the replica that claimed it records its outcome. */
  claimId?: string;
  lastAttemptAt?: Date;
  /** Why the last attempt failed, without the URL's query or anything the receiver answered beyond its status. */
  lastError?: string;
  deliveredAt?: Date;
}

export interface JobDocument {
  _id: string; // the jobId
  accountId: string;
  jobName: 'contactactivityexport';
  name: string;
  status: JobStatus;
  totalItems: number | null;
  completedItems: number;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  /** The request as received, with every secret replaced by a redaction marker. */
  request: Record<string, unknown>;
  /**
   * How many files were delivered. The files themselves are `job_files` documents (one per file), never embedded
   * here: a job of thousands of files would rewrite an ever larger document per file and pass 16 MiB. Jobs stored
   * by earlier versions also carry an embedded `files` array, which nothing reads any more.
   */
  fileCount?: number;
  error?: { code: string; message: string };
  /** When the cancel request was applied (the job became `cancelling`). */
  cancelRequestedAt?: Date;
  notice?: JobNotice;
  callback?: JobCallback;
  /**
   * The request message as the gateway published it (no secrets: those are sealed apart). Kept so the jobs
   * service's reconciler can publish it again when no query replica ever got it; never shown by the API.
   */
  requested?: Record<string, unknown>;
  /** Times the reconciler published the request again, and when it last did. */
  republished?: number;
  republishedAt?: Date;
}

/**
 * A GCS bucket an account registered as a destination. Uploads use the service's own Google identity, so before
 * the first delivery the bucket must prove that the account controls it: the object GCS_VERIFICATION_OBJECT in
 * the bucket must hold `token` (one per account and bucket, random, never reused).
 */
export interface GcsBucketDocument {
  _id: string; // `${accountId}/${bucket}`
  accountId: string;
  bucket: string;
  token: string;
  createdAt: Date;
}

/** The object of a bucket that carries the tokens of the accounts allowed to deliver into it, one per line. */
export const GCS_VERIFICATION_OBJECT = 'cae-export-verification.txt';

/** The SFTP host key an account first met at a server (trust on first use); a different key later is refused. */
export interface SftpHostKeyDocument {
  _id: string; // `${accountId}/${server}:${port}`
  accountId: string;
  server: string;
  port: number;
  fingerprint: string; // SHA256:<base64>, as ssh-keygen -l prints it
  firstSeenAt: Date;
  /** The job that met the key first (for support). */
  jobId: string;
}
