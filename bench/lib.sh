# Helpers the benchmark scripts share (sourced: `. bench/lib.sh` from the
# source tree's root).

# The median of the numbers on standard input, one a line.
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# A / B, to 3 decimals.
ratio() { python3 -c "print(round($1/$2, 3))"; }
# A TCP port of 127.0.0.1 nobody listens on (now).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Waits up to 10 s for something to listen on ADDRESS PORT.
wait_port() {
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on $1:$2" >&2
  return 1
}
