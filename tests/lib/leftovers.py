"""leftovers.py: what a run started and may have left behind: its
processes (by session: the lab is started with start_new_session) and the
network namespaces they were in (by inode)."""
import os
import subprocess


def net_namespaces(pids):
    """The network namespaces these processes are in, by inode."""
    found = set()
    for pid in pids:
        try:
            found.add(os.readlink("/proc/%s/ns/net" % pid))
        except OSError:
            pass
    return found


def in_namespaces(inodes):
    """The processes now in any of these network namespaces."""
    return [pid for pid in os.listdir("/proc")
            if pid.isdigit() and net_namespaces([pid]) & inodes]


def session(sid):
    """The processes of session `sid`."""
    return subprocess.run(["pgrep", "-s", str(sid)], capture_output=True,
                          text=True).stdout.split()


def run_namespaces(sid):
    """The network namespaces of session sid's processes other than ours:
    the ones its run made; and the processes in them now."""
    made = net_namespaces(session(sid)) - net_namespaces(["self"])
    return made, in_namespaces(made)


def left_behind(sid, made, inside):
    """Processes of session sid still running, and those of `inside`
    (the processes that were in the namespaces `made`) still in them.
    Asked of those processes, not of the inodes: once a namespace is
    gone, the kernel may give its number to one another test makes."""
    return session(sid) + [pid for pid in inside
                           if net_namespaces([pid]) & made]
