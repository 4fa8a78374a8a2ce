// Preloaded into the server under test (`node -r bench/lib/parent-guard.cjs …`): the process
// exits when the bench that started it is gone, even if the bench was killed with SIGKILL.
// It changes nothing else; the timer is unref'd and runs twice a second.
'use strict';
const parent = Number(process.env.BENCH_PARENT_PID);
if (parent) {
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}
