/**
 * The `mesh --help` text: the one place the command line is documented for people.
 *
 * @example
 * ```ts
 * import { HELP } from './help.ts';
 * console.log(HELP);
 * ```
 */
export const HELP = `mesh — talk to one region of an eventually-consistent mesh

usage: mesh [options] COMMAND [ARGS]

registers (VALUE is JSON: '"blue"', 42, '{"a":1}'; --text stores VALUE as a string instead)
  put KEY VALUE [--text]     write VALUE
  get KEY                    the value (last writer wins), and the heads when in conflict
  delete KEY                 write a tombstone
  history KEY                the key's events in total order, with this region's receipts
  conflicts                  the keys with more than one head in this region
  resolve KEY VALUE [--text] end a conflict: write VALUE over the current heads
      [--heads ID,ID]          resolve exactly these heads (default: every head here now, by
                               the version GET answers: 409 if another write lands meanwhile)

bank accounts (amounts are positive integers, in minor units)
  deposit ACCOUNT AMOUNT
  withdraw ACCOUNT AMOUNT    refused (409) when this region's view cannot cover it
  balance ACCOUNT            balance, bounced withdrawals and reversed decisions
  statement ACCOUNT          every deposit and withdrawal in total order, with this region's
                             receipt, applied or BOUNCED, and the balance after each

escrow accounts (a yes is never reversed: each region spends only its own rights)
  account create ACCOUNT --escrow
                             open an escrow account (its mode never changes; without --escrow
                             nothing is written: a plain account's first deposit creates it)
  deposit|withdraw ACCOUNT AMOUNT [--escrow]
                             on an escrow account (found by itself; --escrow names the mode
                             when the id has both); withdraw is refused (409 insufficient-rights)
                             when this region's rights cannot cover it, and asks peers for rights
  transfer ACCOUNT TO AMOUNT move AMOUNT of this region's rights to region TO
  rights ACCOUNT             every region's rights, wants and targets, and what this region may
                             spend now
  rebalancing ACCOUNT        the account's transfers and rights requests, newest first
  (also as \`mesh account deposit|withdraw|transfer|rights|rebalancing|balance|statement …\`)

provenance and operations
  event ID                   an event, this region's receipt, its parents and trail
  status                     region, peers, links (state, backlog, DLQ), event count
  partition FROM TO [--both] stop delivery from FROM into TO (--both: and back); sent to TO's
                             admin route (a local mesh lists every region; in AWS give TO's URL)
  heal FROM TO [--both]      resume delivery from FROM into TO (--both: and back)
  heal --all                 resume every link between this region and its peers (in AWS:
                             the links into this region; run it against each region)
  region add|remove|list     grow or shrink a running local cloud (mesh region --help)
  gui                        serve the GUI on this machine for the regions given with --url
      [--url [REGION=]URL]...  (several; default: every region of the local mesh), relaying
      [--sigv4] [--listen N]   its requests, signed with --sigv4; --listen: its port (default free)

which region (the first given wins)
  --url URL        a region's API
  --port N         the local mesh started with \`npm start -- --port N\` (its first region)
  $MESH_URL        a region's API
  $MESH_PORT       as --port
  (default)        the local mesh on port 3001
  --region NAME    talk to region NAME: taken from the local mesh's list of regions
                   (whatever its ports), checked against a deployed API's host, or, with
                   --sigv4 and a custom domain, the signing region; never silently ignored

options
  --sigv4          sign requests with your AWS credentials (API Gateway IAM auth);
                   also MESH_SIGV4=1
  --timeout MS     give up after MS milliseconds (default 10000)
  --json           print the API's JSON answer instead of a table
  -h, --help       this text

exit status: 0 done, 1 refused or failed (the error is printed), 2 bad command line

examples
  mesh --region eu-west-1 put colour '"blue"'
  mesh put note 'plain words' --text
  mesh partition us-east-1 eu-west-1 --both
  mesh get colour
  mesh resolve colour '"green"'
  mesh --port 4001 --region ap-southeast-2 statement alice
  mesh --url https://abc.execute-api.us-east-1.amazonaws.com --sigv4 status
  mesh gui --sigv4 --url https://abc.execute-api.us-east-1.amazonaws.com --url https://def.execute-api.eu-west-1.amazonaws.com`;
