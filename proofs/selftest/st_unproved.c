/* Driver self-test: a false postcondition must fail the module. */
/*@ requires 0 <= x < 100;
    assigns \nothing;
    ensures wrong: \result == x + 2;
*/
int st_inc(int x)
{
    return x + 1;
}
