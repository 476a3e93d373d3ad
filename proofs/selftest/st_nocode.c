/* Driver self-test: a called prototype with neither code nor contract. */
int st_elsewhere(int x);

/*@ assigns \nothing; */
int st_caller(int x)
{
    return st_elsewhere(x);
}
