/* Driver self-test: inconsistent preconditions (st_never) and dead code in a
   function without a precondition (st_dead_branch) make smoke tests provable. */
/*@ requires big: x > 5;
    requires small: x < 3;
    assigns \nothing;
    ensures \result == 0;
*/
int st_never(int x)
{
    return x - x;
}

/* No precondition: the smoke pass tests it in its second stage, and the
   branch below can never run. */
/*@ assigns \nothing;
    ensures \result == 0;
*/
int st_dead_branch(unsigned x)
{
    if (x > 5 && x < 3)
        return 1;
    return 0;
}
