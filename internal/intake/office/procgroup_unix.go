//go:build unix

package office

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts the command in its own process group, and makes
// cancellation kill the whole group: soffice is a launcher whose
// soffice.bin child would otherwise outlive a timeout.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		killProcessGroup(cmd)
		return nil
	}
}

func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil && cmd.Process.Pid > 0 {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
