/* Driver self-test: admit and check clauses are refused. */
/*@ requires 0 <= x < 100;
    assigns \nothing;
    admit ensures big: \result > 1000;
    check ensures pos: \result >= 0;
*/
int st_claim(int x)
{
    /*@ check x >= 0; */
    return x;
}
