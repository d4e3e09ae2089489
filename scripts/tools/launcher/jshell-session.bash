# ELKit launcher part: the JShell session builder, for `./jbang -i <lesson> [args...]`.
# Sourced by ./jbang (with $self set to the launcher) when its first argument is -i or --interactive; it
# returns at once unless the second is a lesson (an alias or a .java file), else it runs JShell and exits.
#
# JBang's own --interactive cannot show a lesson to JShell: the lesson's class is in the default package,
# which JShell cannot import, and its jar (with the elkit classes) is left off JShell's class path. So for a
# lesson this part writes a session .jsh into a private temp folder:
#   //DEPS <lesson>.java   JBang builds the lesson: its //DEPS and the elkit classes it //SOURCES, on the class path
#   //DEPS ...             the same for the lessons of its chapter section, so its walkthrough can be /open-ed
#   /open <lesson>.java    JShell declares the lesson's class itself, from the source, with its imports
#   a note on what to type first
# and runs `./jbang --interactive <session>.jsh` (the launcher again, by its normal path). When JShell ends,
# the folder goes (the launcher removes the files JBang leaves in the JVM's temp folder for the run).
# Anything else after -i (a .jsh walkthrough, a jar, an option) goes to JBang's own --interactive as it is.

[ -n "${2:-}" ] && [ "${2#-}" = "$2" ] && { [ "${2%.java}" != "$2" ] || [ -n "${2##*[./]*}" ]; } || return 0

lesson="$2"; shift 2
if [ -f "$lesson" ]; then
  script="$(cd "$(dirname "$lesson")" && pwd)/$(basename "$lesson")"
else # an alias: ask JBang which file it names
  script="$("$self" info tools "$lesson" | sed -n 's/^  "backingResource": "\(.*\)",\{0,1\}$/\1/p')"
  [ -f "$script" ] || { echo "jbang: $lesson: no such lesson (not an alias of jbang-catalog.json, nor a .java file)" >&2; exit 1; }
fi
class="$(basename "$script" .java | tr -- '-.' '__')"
root="$(cd "$(dirname "$script")/.." && pwd)"
walkthroughs="$root/chapters/05-extract-load/jshell"
walkthrough="$(grep -lx "//DEPS \.\./\.\./\.\./scripts/$(basename "$script")" "$walkthroughs"/*.jsh 2>/dev/null | head -1)"
session_dir="$(mktemp -d "${TMPDIR:-/tmp}/elkit-jshell.XXXXXX")" || exit 1
session="$session_dir/${class}_${session_dir##*.}.jsh" # a unique name, so JBang's temp file is known by it
trap 'rm -rf "$session_dir"; rm -f "${TMPDIR:-/tmp}"/jbang_arguments_*"${session##*/}" /tmp/jbang_arguments_*"${session##*/}"' EXIT
trap ':' INT # Ctrl-C belongs to JShell (it stops the running snippet); this script waits for it
[ "$PWD" = "$root" ] && shown="${walkthrough#"$walkthroughs"/}" && shown="chapters/05-extract-load/jshell/$shown" || shown="$walkthrough"
grep -q 'static void lesson(' "$script" && run="$class.lesson(List.of(args))" || run="$class.main(args)"
{
  { echo "//DEPS $script"
    [ -n "$walkthrough" ] && sed -n -e "s#^//DEPS \.\./\.\./\.\./#//DEPS $root/#p;t" -e '/^\/\/DEPS [^.]/p' "$walkthrough"
  } | awk '!seen[$0]++'
  echo "/open $script"
  locals="$(sed -n 's#^//SOURCES .*/elkit/local/\(Local[A-Za-z0-9]*\)\.java$#\1#p' "$script" | tr '\n' ' ')"
  helpers="$(sed -n 's#^//SOURCES .*/elkit/\([A-Z][A-Za-z0-9]*\)\.java$#\1#p' "$script" | tr '\n' ' ')"
  envs="$(grep -o '"[A-Z][A-Z0-9]*\(_[A-Z0-9]\+\)\+"' "$script" | tr -d '"' | awk '!seen[$0]++' | tr '\n' ' ')"
  [ -n "$helpers" ] && echo "import elkit.*;"
  [ -n "$locals" ] && echo "import elkit.local.*;"
  echo 'System.out.println("""'
  echo "    [elkit] $(basename "$script") is loaded: its class $class, its //DEPS, and elkit's ${helpers:-(none)}${locals}"
  echo "      Run the lesson:        $run   (args: what you typed after the lesson's name)"
  echo "      What is in a class:    type $class. (or Db., Table., Env. ...) then Tab"
  case " $helpers" in *" Db "*) echo "      A query, as a table:   Table.print(Db.query(conn, \"SELECT ...\"))";; esac
  for server in $locals; do
    echo "      Its local server:      var server = $server.start();   server.env().get(\"NAME\") ...   server.close()"
  done
  [ -n "$envs" ] && echo "      Or yours, by env vars: ${envs% } (Env.required(\"NAME\") reads one)"
  [ -n "$walkthrough" ] && echo "      Its section, in steps: /open $shown"
  echo '    /exit leaves JShell.""");'
} > "$session"
"$self" --interactive "$session" "$@"
exit $?
