/* Driver self-test: an axiom that docs/trusted-base.md does not list. */
/*@ axiomatic StSelfTest {
      logic integer st_f(integer x);
      axiom st_selftest_unlisted_axiom: \forall integer x; st_f(x) > x;
    }
*/
/*@ assigns \nothing; ensures \result == x; */
int st_plain(int x)
{
    return x;
}
