// What a container image reference says about where it is pulled from (private ECR or elsewhere).

/**
 * A private Amazon ECR repository: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`
 * (`.amazonaws.com.cn` in China, `dkr.ecr-fips` on FIPS endpoints). Public ECR (`public.ecr.aws/...`)
 * needs no credentials and is not matched. The account part is matched as digits of any length
 * because learners' documents abbreviate it (`123456.dkr.ecr...`) and AWS's exact pattern is not
 * published.
 */
const PRIVATE_ECR = /^\d+\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\//;

/** True when pulling the image needs ECR registry auth (and, on Fargate, an execution role). */
export function isPrivateEcrImage(image: string | undefined): boolean {
  return image !== undefined && PRIVATE_ECR.test(image);
}
