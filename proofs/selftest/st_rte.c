/* Driver self-test: a possible overflow is an unproved -wp-rte goal. */
/*@ assigns \nothing; */
int st_add(int a, int b)
{
    return a + b;
}
