# ELKit launcher part: the warm-start cache, and the one-line answer to a mistyped lesson name.
# Sourced by ./jbang for a plain run (`./jbang <alias-or-file> [args]`) after JBang is bootstrapped; it uses
# the launcher's $self, $java_cmd, $cache, $classpath_file, $JBANG_VERSION and jbang_main. `fast_run "$@"`
# execs the lesson, or exits, or returns when the run cannot be cached (the launcher then runs JBang as usual).
# A student pack does not ship this file: its launcher runs JBang every time.
#
# The warm-start cache. JBang's own JVM takes about a second to print the same java command again and
# again, so the launcher keeps that command, keyed by a hash of all that changes it: the script and
# every //SOURCES file (followed recursively), the catalog, the JBang and Java versions, JAVA_HOME, the
# JBANG_* variables and the folder the alias is resolved from. A hit runs the command directly, with a
# class-data sharing archive (AppCDS, JDK 21+) made by the first run; any change is a miss, and JBang runs as
# before. On a miss, JBang's build of a script is serialized by a lock per script name (flock), and a
# build that JBang left broken (a jar without Main-Class after a race) is rebuilt once with --fresh.
# The cache is `runs/` beside the bootstrap (outside the repository); deleting it is always safe.
# ELKIT_LAUNCH_TRACE=1 prints hit or miss on stderr; ELKIT_LAUNCH_CDS=0 runs without the archive, =1 with it
# on JDK 17 too (off there by default: see cds_default).
# Few processes are started on a hit: each costs milliseconds on a loaded machine.
runs="${ELKIT_LAUNCH_CACHE:-$cache/runs}"
SENTINEL=__elkit_lesson_args__
cds_default=0   # set per run by fast_run from the Java version
BROKEN_BUILD='no main class deduced|Error creating/updating jar'

trace() { [ -z "${ELKIT_LAUNCH_TRACE:-}" ] || echo "[elkit] launch cache: $*" >&2; }

# The script a plain run names: a file, or an alias of the nearest jbang-catalog.json, as JBang looks
# them up. Sets script_ref and catalogs; fails when it cannot tell.
resolve_script() {
  local ref="$1" dir="$PWD" file target
  catalogs=()
  if [ -f "$ref" ]; then script_ref="$ref"; return 0; fi
  [[ "$ref" =~ ^[A-Za-z0-9._-]+$ ]] || return 1
  while :; do
    for file in "$dir/jbang-catalog.json" "$dir/.jbang/jbang-catalog.json"; do
      [ -f "$file" ] || continue
      catalogs+=("$file")
      # a catalog's alias entry, as written here: "name": { ... "script-ref": "path" ... }
      target="$(awk -v key="\"$ref\"" 'index($0, key) && /:[[:space:]]*\{/ { found = 1 }
        found && /"script-ref"/ { sub(/.*"script-ref"[[:space:]]*:[[:space:]]*"/, ""); sub(/".*/, ""); print; exit }' "$file")"
      if [ -n "$target" ]; then
        [[ "$target" == /* ]] || target="${file%/*}/$target"
        [ -f "$target" ] || return 1
        script_ref="$target"; return 0
      fi
    done
    [ -z "$dir" ] && return 1
    dir="${dir%/*}"
  done
}

# The script and every file it sources, recursively, one per line (one awk for all). Fails on what
# cannot be followed: globs, URLs, //FILES.
sources_of() {
  awk 'BEGIN {
    files[1] = ARGV[1]; seen[ARGV[1]] = 1; n = 1
    for (i = 1; i <= n; i++) {
      file = files[i]; print file
      dir = file; sub(/\/[^\/]*$/, "", dir); if (dir == file) dir = "."
      while ((getline line < file) > 0) {
        if (line ~ /^\/\/(FILES|INCLUDE)[[:space:]]/) exit 1
        if (line !~ /^\/\/SOURCES[[:space:]]/) continue
        count = split(line, refs, /[[:space:]]+/)
        for (r = 2; r <= count; r++) {
          ref = refs[r]
          if (ref == "") continue
          if (ref ~ /[*?@]|:\/\//) exit 1
          if (ref !~ /^\//) ref = dir "/" ref
          if ((getline probe < ref) < 0) exit 1
          close(ref)
          if (!(ref in seen)) { seen[ref] = 1; files[++n] = ref }
        }
      }
      close(file)
    }
  }' "$1"
}

# Size and modification time of each file, on one line.
stamps_of() { stat --printf '%n:%s:%Y ' "$@" 2>/dev/null; }

# Runs the lesson's java command with the lesson's arguments. The first successful run writes the
# class-data sharing archive (to a temp name, renamed when the JVM is done); later runs map it.
launch() {
  local command="$1" archive="$runs/$key.jsa" status
  shift
  if [ "${ELKIT_LAUNCH_CDS:-$cds_default}" = 0 ]; then
    eval "exec $command \"\$@\""
  elif [ -f "$archive" ]; then
    eval "exec ${command%% *} -XX:SharedArchiveFile=$archive -Xlog:cds=off -Xlog:cds+dynamic=off ${command#* } \"\$@\""
  fi
  local temp="$archive.$$.tmp"
  trap 'kill -TERM "$child" 2>/dev/null' TERM HUP
  eval "${command%% *} -XX:ArchiveClassesAtExit=$temp -Xlog:cds=off -Xlog:cds+dynamic=off ${command#* } \"\$@\" &"
  child=$!
  wait "$child"; status=$?
  [ "$status" -eq 0 ] && [ -s "$temp" ] && mv -f "$temp" "$archive"
  rm -f "$temp"
  exit "$status"
}

# Runs the cached command for this key, or returns when there is none that is still valid.
run_cached() {
  local entry="$runs/$key" header command files stamps
  [ -f "$entry" ] || { trace "miss (no entry)"; return 0; }
  { IFS= read -r header && IFS= read -r command && IFS= read -r files && IFS= read -r stamps; } < "$entry" \
    || { trace "miss (corrupt entry)"; return 0; }
  [ "$header" = "elkit-launch v1" ] && [ -n "$command" ] && [ -n "$files" ] \
    || { trace "miss (corrupt entry)"; return 0; }
  # stale: the java binary or a jar of the classpath was removed or rebuilt since
  [ "$(stamps_of $files)" = "$stamps" ] || { trace "miss (stale entry)"; return 0; }
  trace "hit"
  launch "$command" "$@"
}

# JBang prints the java command; its stderr goes through, less the lines of a broken build (kept aside).
jbang_print() {
  jbang_main "$@" 2> >(tee "$errors" | awk -v broken="$BROKEN_BUILD" '$0 ~ broken { skip = 1; next }
    skip && /Run with --verbose/ { skip = 0; next } { skip = 0; print; fflush() }' >&2)
}

# A plain name (no dot, no slash) that no catalog found from here holds: one line naming the closest
# alias, then the lessons (a script at the top of scripts/, not bench-*) and the rest; exit 2. Returns
# when there is no catalog to tell (JBang then says what it says).
unknown_name() {
  [[ "$1" =~ ^[A-Za-z0-9_-]+$ ]] && [ "${#catalogs[@]}" -gt 0 ] || return 0
  awk -v wanted="$1" -v catalog="${catalogs[0]#"$PWD"/}" '
    function distance(a, b,   i, j, la, lb, d, cost, best) {
      la = length(a); lb = length(b)
      for (i = 0; i <= la; i++) d[i, 0] = i
      for (j = 0; j <= lb; j++) d[0, j] = j
      for (i = 1; i <= la; i++) for (j = 1; j <= lb; j++) {
        cost = substr(a, i, 1) == substr(b, j, 1) ? 0 : 1
        best = d[i - 1, j] + 1
        if (d[i, j - 1] + 1 < best) best = d[i, j - 1] + 1
        if (d[i - 1, j - 1] + cost < best) best = d[i - 1, j - 1] + cost
        d[i, j] = best
      }
      return d[la, lb]
    }
    /^    "[^"]+": *\{/ { name = $0; sub(/^    "/, "", name); sub(/".*/, "", name) }
    name != "" && /"script-ref"/ {
      ref = $0; sub(/.*"script-ref" *: *"/, "", ref); sub(/".*/, "", ref)
      if (ref ~ /^scripts\/[^\/]+\.java$/ && name !~ /^bench-/) lessons = lessons (lessons ? ", " : "") name
      else others = others (others ? ", " : "") name
      d = distance(wanted, name)
      if (closest == "" || d < best) { closest = name; best = d }
      name = ""
    }
    END {
      if (closest == "") exit 1
      printf "jbang: %s is not a lesson or alias of %s; the closest is %s\n", wanted, catalog, closest
      print "  lessons: " lessons
      if (others) print "  tools and benchmarks: " others
    }' "${catalogs[0]}" >&2 || return 0
  exit 2
}

fast_run() {
  local script_ref catalogs inputs java_bin release
  command -v sha256sum >/dev/null 2>&1 || return 0
  resolve_script "$1" || { unknown_name "$1"; return 0; }
  inputs="$(sources_of "$script_ref")" || { trace "not cached (sources it cannot follow)"; return 0; }
  java_bin="$(command -v "$java_cmd")"
  release="$(realpath "$java_bin")"; release="${release%/bin/java}/release"
  [ -f "$release" ] || release=""
  # AppCDS from JDK 21 on. JDK 17's dump at exit (-XX:ArchiveClassesAtExit) crashed here once in
  # SystemDictionaryShared::adjust_lambda_proxy_class_dictionary after a lesson had run (exit 134, an
  # hs_err file left in the working folder), so on 17 the archive is off unless ELKIT_LAUNCH_CDS=1.
  cds_default=0
  [ -n "$release" ] && [ "$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")" -ge 21 ] 2>/dev/null && cds_default=1
  key="$( { echo "elkit-launch v1 $JBANG_VERSION $PWD $1 JAVA_HOME=${JAVA_HOME:-} $java_bin"
            for name in $(compgen -v JBANG_); do echo "$name=${!name}"; done
            sha256sum "$classpath_file" $release "${catalogs[@]}" $inputs; } | sha256sum)" || return 0
  key="${key:0:32}"
  shift
  run_cached "$@"

  # A miss: JBang resolves and builds, one process per script name at a time, and prints the command.
  mkdir -p "$runs/locks" 2>/dev/null || return 0
  local errors status command base="${script_ref##*/}"
  errors="$(mktemp "$runs/.errors.XXXXXX")" || return 0
  exec 9>"$runs/locks/$base.lock"
  command -v flock >/dev/null 2>&1 && flock 9
  command="$(jbang_print "$script_ref" "$SENTINEL")"; status=$?
  if [ "$status" -ne 255 ] && grep -q -E "$BROKEN_BUILD" "$errors"; then
    echo "[elkit] JBang's cached build of $base was broken ($(grep -o -E -m1 "$BROKEN_BUILD" "$errors")): rebuilding it once with --fresh" >&2
    : > "$errors"
    command="$(jbang_print --fresh "$script_ref" "$SENTINEL")"; status=$?
    [ "$status" -ne 255 ] && grep -E "$BROKEN_BUILD|Run with --verbose" "$errors" >&2
  fi
  exec 9>&-
  rm -f "$errors"
  if [ "$status" -ne 255 ]; then
    [ -n "$command" ] && printf '%s\n' "$command"
    exit "$status"
  fi
  case "$command" in
    *" $SENTINEL") command="${command% "$SENTINEL"}" ;;
    *) trace "not cached (unexpected command)"; return 0 ;;   # JBang runs again, the usual way
  esac
  # Kept only when it is plain words (no quoted paths). What makes it stale: its java, its classpath.
  local files element temp
  files="${command%% *}"
  for element in $(printf '%s\n' "$command" | sed -n 's/.* -classpath \([^ ]*\) .*/\1/p' | tr ':' ' '); do
    [ -e "$element" ] && files="$files $element"
  done
  if [[ "$command" != *[\'\"\\\$\`]* ]] && [ -x "${command%% *}" ]; then
    rm -f "$runs/$key.jsa"   # made for the previous classpath; the JVM would ignore it
    # entries of old edits pile up (an archive is 3 to 30 MB): drop those written over 30 days ago
    find "$runs" -maxdepth 1 -type f -mtime +30 -delete 2>/dev/null
    temp="$(mktemp "$runs/.entry.XXXXXX")" \
      && printf 'elkit-launch v1\n%s\n%s\n%s\n' "$command" "$files" "$(stamps_of $files)" > "$temp" \
      && mv -f "$temp" "$runs/$key"   # a rename: a reader sees the old entry or the new, never half of one
  fi
  launch "$command" "$@"
}

