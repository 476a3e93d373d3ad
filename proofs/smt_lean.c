/*
 * smt-lean: runs an SMT prover on a Why3 task without the task's ACSL lemmas.
 *
 * Usage (a Why3 prover command; the task file comes last):
 *   smt-lean PROVER [ARGS...] TASK.smt2
 *
 * Rewrites TASK.smt2 in place, deleting every top-level `(assert ...)`
 * command that directly follows a `;; Q_<name>` comment line (Why3's SMT-LIB
 * printer names each declaration in such a comment, and WP names the ACSL
 * lemmas and axioms of the proven sources Q_<name>), then runs
 * PROVER ARGS... TASK.smt2 in its place (execv, so Why3's time limit and kill
 * reach the prover itself).
 *
 * What the caller may rely on: the only change made to the task is the
 * deletion of whole assert commands. A set of assertions that is
 * unsatisfiable stays so when assertions are added back, so an "unsat" (WP:
 * Valid) answer on the lean task holds for the full task. Anything the
 * filter does not recognise (a Q_ comment not followed by exactly one assert
 * on its own lines, unbalanced parentheses) is kept as it is. On a read or
 * write error nothing is run and the exit status is 2 (WP: a failure, never
 * Valid). Why it exists: proofs/README.md, "Lean provers".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One past the end of the s-expression that starts at s[i] == '(', or 0 if
 * it does not end in s[0..n). Skips |quoted symbols|, "strings" and
 * ; comments, as SMT-LIB 2 does. */
static size_t sexp_end(const char *s, size_t i, size_t n)
{
	long depth = 0;

	while (i < n) {
		char c = s[i];

		if (c == '|') {
			for (i++; i < n && s[i] != '|'; i++)
				;
		} else if (c == '"') {
			for (i++; i < n; i++)
				if (s[i] == '"' && !(i + 1 < n && s[i + 1] == '"'))
					break;
				else if (s[i] == '"')
					i++;
		} else if (c == ';') {
			for (; i < n && s[i] != '\n'; i++)
				;
			continue;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0)
				return i + 1;
		}
		if (i >= n)
			return 0;
		i++;
	}
	return 0;
}

/* Index of the start of the line after s[i] (n if none). */
static size_t next_line(const char *s, size_t i, size_t n)
{
	const char *nl = memchr(s + i, '\n', n - i);

	return nl ? (size_t)(nl - s) + 1 : n;
}

/* If a lemma's assert starts at line start i (";; Q_" then a line that is
 * "(assert" ...), the index of the line after the assert (which may end in
 * a comment, nothing else); else 0. */
static size_t lemma_block_end(const char *s, size_t i, size_t n)
{
	static const char tag[] = ";; Q_", cmd[] = "(assert";
	size_t a, e, j;

	if (n - i < sizeof tag - 1 || memcmp(s + i, tag, sizeof tag - 1) != 0)
		return 0;
	a = next_line(s, i, n);
	if (n - a < sizeof cmd || memcmp(s + a, cmd, sizeof cmd - 1) != 0 ||
	    (s[a + sizeof cmd - 1] != ' ' && s[a + sizeof cmd - 1] != '\n'))
		return 0;
	e = sexp_end(s, a, n);
	if (e == 0)
		return 0;
	for (j = e; j < n && s[j] != '\n' && s[j] != ';'; j++)
		if (s[j] != ' ' && s[j] != '\t' && s[j] != '\r')
			return 0;
	return next_line(s, j, n);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			char *more = realloc(buf, cap = cap ? 2 * cap : 1 << 20);

			if (!more) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = more;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	const char *path;
	char *s;
	size_t n, i, out = 0, dropped = 0;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: smt-lean PROVER [ARGS...] TASK.smt2\n");
		return 2;
	}
	path = argv[argc - 1];
	s = read_all(path, &n);
	if (!s) {
		perror(path);
		return 2;
	}
	/* compact in place: kept lines move down over the dropped ones */
	for (i = 0; i < n;) {
		size_t end = lemma_block_end(s, i, n);

		if (end) {
			dropped++;
			i = end;
			continue;
		}
		end = next_line(s, i, n);
		memmove(s + out, s + i, end - i);
		out += end - i;
		i = end;
	}
	f = fopen(path, "wb");
	if (!f || fwrite(s, 1, out, f) != out || fclose(f) != 0) {
		perror(path);
		return 2;
	}
	free(s);
	if (getenv("SMT_LEAN_VERBOSE"))
		fprintf(stderr, "smt-lean: %zu lemma assertion(s) dropped\n", dropped);
	execv(argv[1], argv + 1);
	perror(argv[1]);
	return 2;
}
