/* Subcommands of the inspect tool that need more than a few lines each. */
#ifndef ISOBENCH_INSPECT_H
#define ISOBENCH_INSPECT_H

/* Prints one JSON object describing the process's view of its isolation. Fields that
 * cannot be read (no /proc, for instance) are null. Returns the exit status. */
int inspect_status(void);

/* Runs the named syscall with arguments chosen so it can never change the system, and
 * prints {"syscall","ret","errno","errno_name"}. Unknown name: usage error (exit 2). */
int inspect_syscall(const char* name);

/* Names accepted by inspect_syscall(), space separated, for the usage text. */
extern const char inspect_syscall_names[];

#endif
