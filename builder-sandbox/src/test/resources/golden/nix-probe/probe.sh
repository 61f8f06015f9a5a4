b=$builder
$b mkdir $out
$b env | $b sort > $out/env
$b cat /etc/passwd > $out/passwd
$b cat /etc/group > $out/group
$b cat /etc/hosts > $out/hosts
$b id > $out/id
$b hostname > $out/hostname
$b pwd > $out/pwd
$b ls -a / > $out/root
$b ls -a /dev > $out/dev
$b ls -a /build > $out/build
$b ls -a /tmp > $out/tmp
$b ls -a /etc > $out/etc
echo "$(umask)" > $out/umask
$b ls -a $NIX_STORE > $out/store
echo "$(ulimit -c)" > $out/core-limit
$b stat -c '%a %n' / /nix $NIX_STORE /etc /tmp /build /dev /dev/shm /proc > $out/modes
$b stat -c '%a %n' /etc/* >> $out/modes
$b stat -c '%u:%g %n' / /nix $NIX_STORE $builder /etc /etc/passwd /tmp /build /dev /dev/null /proc > $out/owners
