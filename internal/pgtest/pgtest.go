// Package pgtest starts a real PostgreSQL server for tests: Debian's
// postgresql package, initialized in a temporary directory with initdb,
// started with pg_ctl on a free loopback port and stopped when the test
// ends. As root (CI) it runs the server as the package's postgres user,
// since initdb refuses root.
package pgtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// A Server is a running PostgreSQL.
type Server struct {
	// Port is its loopback TCP port.
	Port int
	// User and Password are its superuser's; the database is "benchgate".
	User, Password string
	dir            string
	bin            string
	asUser         string
}

// URL is a connection URL for the database, with user and password.
func (s *Server) URL(user, password string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/benchgate?sslmode=disable", user, password, s.Port)
}

// DefaultURL is URL of the superuser.
func (s *Server) DefaultURL() string { return s.URL(s.User, s.Password) }

// Bin is the directory of Debian's PostgreSQL programs: initdb on PATH,
// else the newest /usr/lib/postgresql/N/bin; "" when there is none.
func Bin() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return va - vb
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

// Start starts a server for t, with password authentication on TCP; it
// is stopped when t ends. Under -short the test is skipped (a server
// takes seconds to start). Without PostgreSQL it is skipped too, or
// fails under CI=true (CI must install it: .ci/run does).
func Start(t testing.TB) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a PostgreSQL server (-short)")
	}
	bin := Bin()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PostgreSQL is not installed (apt-get install postgresql): CI needs it")
		}
		t.Skip("PostgreSQL is not installed (apt-get install postgresql)")
	}
	s := &Server{User: "benchgate", Password: "s3cret-pw", bin: bin}
	dir, err := os.MkdirTemp("", "benchgate-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s.dir = dir
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte(s.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, and no postgres user to run the server as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, p := range []string{dir, pw} {
			if err := os.Chown(p, uid, gid); err != nil {
				t.Fatal(err)
			}
		}
		s.asUser = "postgres"
	}
	data := filepath.Join(dir, "data")
	s.run(t, "initdb", "-D", data, "-U", s.User, "--pwfile="+pw, "--auth=scram-sha-256", "-E", "UTF8", "--no-sync", "--no-locale")
	s.Port = freePort(t)
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", s.Port, dir)
	s.run(t, "pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start")
	t.Cleanup(func() {
		cmd := s.command("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		cmd.Run()
	})
	s.run(t, "createdb", "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port), "-U", s.User, "benchgate")
	return s
}

// SQL runs statements with psql as the superuser.
func (s *Server) SQL(t testing.TB, sql string) string {
	t.Helper()
	return s.run(t, "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port), "-U", s.User, "-d", "benchgate", "-c", sql)
}

func (s *Server) command(name string, args ...string) *exec.Cmd {
	prog := filepath.Join(s.bin, name)
	if _, err := os.Stat(prog); err != nil {
		prog = name
	}
	var cmd *exec.Cmd
	if s.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.asUser, "--", prog}, args...)...)
	} else {
		cmd = exec.Command(prog, args...)
	}
	cmd.Env = append(os.Environ(), "PGPASSWORD="+s.Password, "LC_ALL=C")
	cmd.Dir = s.dir
	return cmd
}

func (s *Server) run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := s.command(name, args...).CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		t.Fatalf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, out, log)
	}
	return strings.TrimSpace(string(out))
}

// freePort is a loopback port nobody listens on.
func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
