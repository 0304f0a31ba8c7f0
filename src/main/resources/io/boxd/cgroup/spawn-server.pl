# boxd's spawn server: one long-lived process that forks box processes, so a spawn costs one
# fork of a small process (born in the box's cgroup where the kernel can) and one exec of the
# target, instead of execs of jspawnhelper, sh and setpriv. Only perl-base is used (Essential
# on Debian and Ubuntu). Protocol on stdin/stdout, one exchange per spawn:
#   boxd:   <length>\n<fields joined by NUL>   procs, cgroup, log, cwd, uid, gid, argc, argv..., env K=V...
#   server: ok <pid>                           the child was in <cgroup> by /proc/<pid>/cgroup,
#                                              then it exec'd the target
#           failed <code> <why>                the target did not run
# A child never runs the target unless /proc/<pid>/cgroup names the box's cgroup: the server
# checks that itself while the child waits, so boxd and the server trade one message each way
# (each wake-up of a waiting process costs tens of microseconds on a small VM). The server exits
# when boxd closes its stdin; box processes live on, as they would if boxd had forked them.
use strict;
use warnings;
no warnings 'exec';
use Config;
use Fcntl qw(O_RDONLY O_DIRECTORY);

# Raw syscalls, by number per architecture, instead of the POSIX module, whose memory every fork
# would copy and every exec tear down: setgroups(0, NULL) (no perl builtin), setresgid and
# setresuid (real, effective and saved ids at once, like setpriv; perl's $( and $< leave the
# saved id), exit_group (an _exit that skips perl's clean-up), setsid, rt_sigprocmask and
# rt_sigaction.
my %SYSCALLS = ('x86_64' => [116, 119, 117, 231, 112, 14, 13], 'aarch64' => [159, 149, 147, 94, 157, 135, 134]);
my ($arch) = $Config{archname} =~ /^([^-]+)/;
my ($setgroups, $setresgid, $setresuid, $exit_group, $setsid, $sigprocmask, $sigaction) = @{ $SYSCALLS{$arch} // [] };
$SIG{CHLD} = 'IGNORE';   # the kernel reaps box processes that exit; exit codes are not used
$SIG{PIPE} = 'DEFAULT';
binmode STDIN;
binmode STDOUT;
reply(defined $setgroups ? "ready" : "unsupported architecture $Config{archname}");
exit 0 unless defined $setgroups;

sub hard_exit { syscall($exit_group, $_[0] + 0); }

sub reply { my $l = shift; $l =~ s/\n/ /g; syswrite(STDOUT, "$l\n") // exit 0; }

# boxd's requests, read in large chunks: a request arrives in one write, so this is one read.
my $in = '';
sub fill_in {
    my $r;
    do { $r = sysread(STDIN, $in, 65536, length $in); } while (!defined $r && $!{EINTR});
    return $r;
}

sub read_in {
    my ($n) = @_;
    while (length($in) < $n) { return undef unless fill_in(); }
    return substr($in, 0, $n, '');
}

sub line_in {
    my $i;
    while (($i = index($in, "\n")) < 0) {
        return undef if length($in) > 4096 || !fill_in();
    }
    my $line = substr($in, 0, $i + 1, '');
    chop $line;
    return $line;
}

# One message from a child: it writes each in one write, well under PIPE_BUF, so one read.
sub message {
    my ($fh) = @_;
    my ($r, $m);
    do { $r = sysread($fh, $m, 4096); } while (!defined $r && $!{EINTR});
    return undef unless $r;
    chomp $m;
    return $m;
}

sub slurp {
    my ($fh) = @_;
    my ($all, $buf) = ('', '');
    while (1) {
        my $r = sysread($fh, $buf, 4096);
        next if !defined $r && $!{EINTR};
        return $all if !$r;
        $all .= $buf;
    }
}

# A child born in the box's cgroup: clone3 with CLONE_INTO_CGROUP (Linux 5.7+, syscall 435 on
# every architecture). Nothing migrates, so none of the long waits a cgroup.procs write can hit
# (tens of milliseconds at worst on the bench host). The child runs only this script's
# syscalls up to its exec. Where the kernel refuses (an older kernel, or a cgroup that may not
# hold processes), fork instead: the child writes cgroup.procs itself, and fails with the reason.
my $clone3 = 1;
sub new_child {
    my ($procs, $may_clone) = @_;
    (my $dir = $procs) =~ s{/cgroup\.procs$}{};
    if ($clone3 && $may_clone && sysopen(my $cg, $dir, O_RDONLY | O_DIRECTORY)) {
        # struct clone_args: flags = CLONE_INTO_CGROUP, exit_signal = SIGCHLD, cgroup = the fd
        my $args = pack('Q11', 1 << 33, 0, 0, 0, 17, 0, 0, 0, 0, 0, fileno($cg));
        my $pid = syscall(435, $args, length $args);
        return ($pid, 1) if $pid >= 0;
        $clone3 = 0 if $!{ENOSYS} || $!{EINVAL} || $!{E2BIG};
    }
    return (fork(), 0);
}

# The unified ("0::") line of /proc/<pid>/cgroup, or undef.
sub cgroup_of {
    my ($pid) = @_;
    open(my $fh, '<', "/proc/$pid/cgroup") or return undef;
    my $all = slurp($fh);
    close $fh;
    return $all =~ /^0::(.*)$/m ? $1 : undef;
}

# A number from a cgroup file; undef for "max" or no file (no pids controller there).
sub read_number {
    my ($file) = @_;
    open(my $fh, '<', $file) or return undef;
    my $v = <$fh>;
    close $fh;
    return defined $v && $v =~ /^(\d+)/ ? $1 : undef;
}

# PidsRoom.require's twin (as in spawn-server.c): a fork is held to pids.max, a move is not, so a
# child that moved itself in is checked at the box and every cgroup above it, up to the mount.
sub pids_over {
    my ($procs, $cgroup) = @_;
    (my $dir = $procs) =~ s{/cgroup\.procs$}{};
    # the mount is the box's directory less its cgroup path; where they do not line up, the box alone
    my $mount = length($cgroup) < length($dir) && substr($dir, -length($cgroup)) eq $cgroup
        ? length($dir) - length($cgroup) : length($dir);
    while (1) {
        my ($max, $cur) = (read_number("$dir/pids.max"), read_number("$dir/pids.current"));
        return "pids.max: $dir has pids.current $cur with the new process, over its pids.max $max"
            if defined $max && defined $cur && $cur > $max;
        my $slash = rindex($dir, '/');
        last if $slash <= $mount;
        $dir = substr($dir, 0, $slash);
    }
    return undef;
}

# One spawn: "ok <pid>" or "failed <code> <why>".
sub spawn_one {
    my ($procs, $cgroup, $child_args) = @_;
    for my $may_clone (1, 0) {
        my ($st_r, $st_w, $go_r, $go_w);
        pipe($st_r, $st_w) && pipe($go_r, $go_w) or return "failed 0 pipe: $!";
        my ($pid, $inside) = new_child($procs, $may_clone);
        return "failed 0 fork: $!" unless defined $pid;
        if ($pid == 0) {
            close $st_r; close $go_w;
            child($st_w, $go_r, $inside ? undef : $procs, @$child_args);
        }
        close $st_w; close $go_r;
        # A forked child moves itself: wait until it says so. One born inside is checked at
        # once, while it sets up its log; its "placed" is read with the rest below.
        my $said = '';
        unless ($inside) {
            $said = message($st_r) // '';
            if ($said ne 'placed') {
                close $go_w; close $st_r;
                return $said eq '' ? "failed 0 exited before it was placed" : "failed $said";
            }
            $said = "placed\n";
        }
        my $where = cgroup_of($pid);
        my $misplaced = !defined $where || $where ne $cgroup;
        my $over = !$inside && !$misplaced ? pids_over($procs, $cgroup) : undef;
        if ($misplaced || defined $over) {
            kill 'KILL', $pid;
        } else {
            local $SIG{PIPE} = 'IGNORE';   # a child that died early: seen below, not fatal here
            syswrite($go_w, "g");
        }
        close $go_w;
        $said .= slurp($st_r);   # end of file: the exec closed the pipe, or the child is gone
        close $st_r;
        # Born inside and dead before a word. Linux 6.18 (at least) SIGKILLs every child cloned
        # into a cgroup that was ever written cgroup.kill: it compares the cgroup's kill count
        # with the parent's cgroup's. Such a child ran no code of its own; fork and migrate.
        next if $inside && $said eq '';
        return "failed $said" unless $said =~ s/^placed\n//;   # it failed first, in its own words
        return "failed 125 pid $pid is in " . ($where // 'no cgroup') . ", not $cgroup; killed it before it ran the target"
            if $misplaced;
        return "failed 0 $over; killed it before it ran the target" if defined $over;
        return $said eq '' ? "ok $pid" : "failed $said";
    }
    return "failed 0 exited before it was placed";
}

while (defined(my $len = line_in())) {
    exit 0 unless $len =~ /^\d{1,8}$/;
    my $payload = read_in($len);
    exit 0 unless defined $payload;
    my @f = split /\0/, $payload, -1;
    my ($procs, $cgroup, $log, $cwd, $uid, $gid, $argc) = splice(@f, 0, 7);
    my @argv = splice(@f, 0, $argc);
    reply(spawn_one($procs, $cgroup, [$log, $cwd, $uid, $gid, \@argv, \@f]));
}
exit 0;

sub child {
    my ($st, $go, $procs, $log, $cwd, $uid, $gid, $argv, $env) = @_;
    my $fail = sub { my ($code, $why) = @_; syswrite($st, "$code $why"); hard_exit($code); };
    # Every signal to its default: an ignored one outlives the exec (as in spawn-server.c, by
    # the raw syscall, which also reaches the two signals libc keeps for itself).
    my $dfl = "\0" x 32;
    syscall($sigaction, $_, $dfl, 0, 8) for 1 .. 64;
    # A session of its own, not boxd's terminal, and a clean signal mask, not the JVM's (as in
    # spawn-server.c). SIG_SETMASK is 2; the set is 8 bytes of nothing.
    syscall($setsid) > 0 or $fail->(125, "setsid: $!");
    my $none = "\0" x 8;   # a variable: perl's syscall passes strings as writable buffers
    syscall($sigprocmask, 2, $none, 0, 8) == 0 or $fail->(125, "signal mask: $!");
    open(STDIN, '<', '/dev/null') or $fail->(125, "stdin /dev/null: $!");
    open(my $out, '>>', $log) or $fail->(125, "log $log: $!");
    open(STDOUT, '>&', $out) or $fail->(125, "stdout: $!");
    open(STDERR, '>&', $out) or $fail->(125, "stderr: $!");
    close $out;
    # Forked, not born inside: writing 0 to cgroup.procs moves the writer, this process, before
    # it runs anything else.
    if (defined $procs) {
        open(my $p, '>', $procs) or $fail->(125, "could not join: open $procs: $!");
        syswrite($p, "0") or $fail->(125, "could not join: write $procs: $!");
        close($p) or $fail->(125, "could not join: close $procs: $!");
    }
    syswrite($st, "placed\n") or hard_exit(126);
    my $g = message($go);
    hard_exit(126) unless defined $g && $g eq 'g';
    close $go;
    if (length $uid || length $gid) {
        # What setpriv --reuid --regid --clear-groups does: no supplementary groups, then gid, then uid.
        syscall($setgroups, 0, 0) == 0 or $fail->(127, "setgroups: $!");
        if (length $gid) {
            syscall($setresgid, $gid + 0, $gid + 0, $gid + 0) == 0 or $fail->(127, "setgid $gid: $!");
            $fail->(127, "gid is $( / $), not $gid") unless $( eq $gid && (split ' ', $))[0] == $gid;
        }
        $fail->(127, "supplementary groups left: $(") if (split ' ', $() > 1;
        if (length $uid) {
            syscall($setresuid, $uid + 0, $uid + 0, $uid + 0) == 0 or $fail->(127, "setuid $uid: $!");
            $fail->(127, "uid is $< / $>, not $uid") unless $< == $uid && $> == $uid;
        }
    }
    # Only now, as the target's uid: as root, a chdir into a directory under one the target may
    # not search would succeed, and the target would then read what it could not reach.
    if (length $cwd) { chdir($cwd) or $fail->(127, "chdir $cwd: $!"); }
    %ENV = ();
    for my $kv (@$env) { my ($k, $v) = split /=/, $kv, 2; $ENV{$k} = $v; }
    exec { $argv->[0] } @$argv;
    $fail->(127, "exec $argv->[0]: $!");
}
