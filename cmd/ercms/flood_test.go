//go:build !race

// The race detector keeps shadow memory beside the heap (several times
// the memory the argon2 derivations take), so that the peak measured
// under -race says nothing of the server's: .ci/run runs this test alone
// without -race.

package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveEnv, set in the environment of the test binary, makes it run the
// command's main with its arguments instead of the tests: the flood test
// measures a server process without building the binary again.
const serveEnv = "ERCMS_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// TestSignInFloodMemory starts the server with the real password
// hashing cost (argon2id, 64 MiB a derivation) and the node's rate limits
// opened wide, sends it 100 sign-ins at once for unknown users, and checks
// that its peak resident memory (VmHWM) stays under 300 MB: derivations
// wait for a slot, and those beyond the queue are refused with 429.
func TestSignInFloodMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to read the peak memory")
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0",
		"--signin-rate", "100000", "--signin-rate-address", "100000")
	cmd.Env = append(os.Environ(), serveEnv+"=1", "GOMEMLIMIT=", "GOGC=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`running at (http://[0-9.:]+)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				base <- m[1]
			}
		}
	}()
	var url string
	select {
	case url = <-base:
	case <-time.After(2 * time.Minute):
		t.Fatal("the server did not start")
	}

	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 100 {
		wg.Go(func() {
			<-start
			body := fmt.Sprintf(`{"username":"nobody.%d","password":"a guess of twelve or more"}`, i)
			resp, err := http.Post(url+"/api/v1/session", "application/json", strings.NewReader(body))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				statuses[0]++
				return
			}
			resp.Body.Close()
			statuses[resp.StatusCode]++
		})
	}
	close(start)
	wg.Wait()
	if statuses[http.StatusUnauthorized] == 0 || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != 100 {
		t.Errorf("100 sign-ins at once: %v, want 401 (checked) or 429 (refused at once)", statuses)
	}
	peak := peakMemory(t, cmd.Process.Pid)
	t.Logf("100 sign-ins at once: %v; peak resident memory %d MB", statuses, peak>>20)
	if peak > 300<<20 {
		t.Errorf("peak resident memory %d MB, want under 300 MB", peak>>20)
	}
}

// peakMemory reads the peak resident set size (VmHWM) of a process, in bytes.
func peakMemory(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
