/* Driver self-test: a function without any contract must fail the module. */
/*@ assigns \nothing; ensures \result == x; */
int st_id(int x)
{
    return x;
}

int st_bare(int x)
{
    return st_id(x);
}
