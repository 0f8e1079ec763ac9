"""Job kinds used only by the tests, to drive the job machinery through success, a readable
failure, an unexpected crash and a worker that dies. The test worker loads them with -I."""

import os
import time

from tkpk.jobs import JobError, JobOutcome, job_kind, job_progress


@job_kind("test.count", label="Hitung uji")
def count(job):
    total = int(job.params.get("total", 5))
    for done in range(1, total + 1):
        time.sleep(float(job.params.get("delay", 0)))
        job_progress(job, done=done, total=total)
    return JobOutcome(counts={"counted": total}, message=f"{total} dihitung.")


@job_kind("test.fail", label="Gagal uji")
def fail(job):
    job_progress(job, done=1, total=3)
    raise JobError("Berkas tidak punya kolom NIK.")


@job_kind("test.crash", label="Galat uji")
def crash(job):
    raise RuntimeError("a bug, not the user's fault")


@job_kind("test.die", label="Pekerja mati")
def die(job):
    job_progress(job, done=1, total=10)
    os._exit(1)  # the worker process disappears mid-job, as on an OOM kill
