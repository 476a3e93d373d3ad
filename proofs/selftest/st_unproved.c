/* Driver self-test: a false postcondition must fail the module. The
 * attribute is there for PROVE_FUNCTIONS: a function declared with one
 * must still be found (run.sh's functions case selects st_inc). */
/*@ requires 0 <= x < 100;
    assigns \nothing;
    ensures wrong: \result == x + 2;
*/
__attribute__((noinline)) int st_inc(int x)
{
    return x + 1;
}
