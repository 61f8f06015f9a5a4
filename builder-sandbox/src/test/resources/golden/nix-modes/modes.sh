b=$builder
$b mkdir $out $out/sub $out/sticky
echo plain > $out/plain
echo private > $out/private; $b chmod 0600 $out/private
echo exe > $out/exe; $b chmod 0755 $out/exe
echo owner-exec > $out/owner-exec; $b chmod 0700 $out/owner-exec
echo group-exec > $out/group-exec; $b chmod 0670 $out/group-exec
echo old > $out/sub/old; $b touch -d '2001-02-03 04:05:06' $out/sub/old
$b chmod 0700 $out/sub
$b chmod 1755 $out/sticky
$b ln -s plain $out/link
$b ln -s /nonexistent $out/dangling
