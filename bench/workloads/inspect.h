/* Subcommands of the inspect tool that need more than a few lines each. */
#ifndef ISOBENCH_INSPECT_H
#define ISOBENCH_INSPECT_H

/* Prints one JSON object describing the process's view of its isolation. Fields that
 * cannot be read (no /proc, for instance) are null. Returns the exit status. */
int inspect_status(void);

/* argv: [--dry] NAME|NUMBER [ARG...]. Makes the syscall so that it can never change the
 * system: for a NAME with a built-in probe, a real call with harmless arguments (ARG only
 * where the probe takes one, as personality's PERSONA); otherwise, or with --dry, a dry call
 * with ARGs that the kernel stops after the sandbox's seccomp filter (ENOSYS: let through).
 * Prints {"syscall","nr","args","mode","ret","errno","errno_name"}; mode is "call" or "dry".
 * Unknown name or bad ARG: usage error (exit 2). */
int inspect_syscall(int argc, char** argv);

/* Names accepted by inspect_syscall(), space separated, for the usage text. */
extern const char inspect_syscall_names[];

#endif
