//go:build unix

package worker

import (
	"os/exec"
	"syscall"
)

// ownGroup puts the worker in a process group of its own: a terminal's
// ctrl+c then reaches only hcbench, which stops its workers itself, and
// killGroup ends anything the worker started too.
func ownGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

// killGroup kills the worker's whole process group.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Process.Kill()
}
