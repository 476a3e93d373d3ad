/* Driver self-test: inconsistent preconditions make a smoke test provable. */
/*@ requires big: x > 5;
    requires small: x < 3;
    assigns \nothing;
    ensures \result == 0;
*/
int st_never(int x)
{
    return x - x;
}
