/**
 * The five example requests of the API reference (`contactactivityexport`), verbatim, with the reference's own
 * words for each. They are the named examples of the request body in the OpenAPI document (/docs), and the unit
 * test of that document runs each through the gateway's validation: every one must be accepted as written.
 */
export const REFERENCE_EXAMPLES = {
  internalCsv: {
    summary: 'CSV in internal storage (Jobs page)',
    description:
      'All batch message sent activities for March 25 into a CSV file that will be available via the UI on the ' +
      'Jobs page (and through `GET /v2/jobs/{jobId}/files/{fileName}`).',
    value: {
      name: 'activities_batch_march25',
      exportType: 'csv',
      destination: { type: 'aws' },
      showHeader: true,
      selected_timeframe_start: '2019-03-24T00:00:00.000Z',
      selected_timeframe_end: '2019-03-25T23:59:59.999Z',
      selected_message_type: 'batch',
      selected_action_name: 'message-sent',
      compress: false,
      confirmEmail: 'msmith@example.com',
    },
  },
  ftpCsv: {
    summary: 'CSV to an FTP server',
    description: 'All batch message sent activities for March 25 into a CSV file via FTP download.',
    value: {
      name: 'batch-30days',
      exportType: 'csv',
      destination: {
        type: 'ftp',
        server: 'ftp.example.com',
        port: 21,
        username: 'cordial@example.com',
        password: 'cordial',
        path: './',
      },
      showHeader: true,
      selected_timeframe_start: '2019-03-24T00:00:00.000Z',
      selected_timeframe_end: '2019-03-25T23:59:59.999Z',
      selected_action_names: ['message-sent', 'open', 'click'],
      selected_message_type: 'batch',
      compress: false,
      confirmEmail: 'msmith@example.com',
    },
  },
  s3Csv: {
    summary: 'CSV to Amazon S3',
    description:
      'All batch message sent activities for March 25 into a CSV file via Amazon S3. The file will be uploaded to ' +
      's3://my_bucket/folder (`folder` is the same place as `/folder/`).',
    value: {
      name: 'activities_batch_march25',
      exportType: 'csv',
      destination: {
        type: 's3',
        aws_access_key_id: 'A1234567890',
        aws_secret_access_key: 'B1234567890',
        aws_bucket: 'my_bucket',
        aws_region: 'us-west-2',
        path: 'folder',
      },
      showHeader: true,
      selected_timeframe_start: '2019-03-24T00:00:00.000Z',
      selected_timeframe_end: '2019-03-25T23:59:59.999Z',
      selected_message_type: 'batch',
      selected_action_name: 'message-sent',
      compress: false,
      confirmEmail: 'msmith@example.com',
    },
  },
  gcsCsvWithColumns: {
    summary: 'CSV to Google Cloud Storage, with column labels',
    description:
      'All batch message sent activities for March 25 into a CSV file via Google Cloud Storage (GCS). The file ' +
      'will have the column header labels Action, Contact Email and Contact ID. The bucket must first be registered ' +
      '(`POST /v2/destinations/gcs-buckets`).',
    value: {
      name: 'activities_batch_march25',
      exportType: 'csv',
      destination: { type: 'gcs', gcs_bucket: 'bucketname', path: '/contactactivities' },
      columnHeaders: [
        { name: 'action', label: 'Action' },
        { name: 'email', label: 'Contact Email' },
        { name: 'cID', label: 'Contact ID' },
      ],
      showHeader: true,
      selected_timeframe_start: '2019-03-24T00:00:00.000Z',
      selected_timeframe_end: '2019-03-25T23:59:59.999Z',
      selected_message_type: 'batch',
      selected_action_name: 'message-sent',
      compress: false,
      confirmEmail: 'msmith@example.com',
    },
  },
  ftpJsonBounces: {
    summary: 'Bounces as newline-delimited JSON to an FTP server',
    description:
      'All bounce events into a JSON file via FTP download. Each record is a separate line consisting of a single ' +
      'JSON object (not an array of JSON objects).',
    value: {
      name: 'bounce-30days',
      exportType: 'json',
      destination: {
        type: 'ftp',
        server: 'ftp.example.com',
        port: 21,
        username: 'username@example.com',
        password: 'password',
        path: './',
      },
      selected_timeframe_start: '2018-02-01T00:00:00.000Z',
      selected_timeframe_end: '2018-02-27T23:59:59.999Z',
      selected_action_name: 'bounce',
      showAllProperties: false,
      compress: false,
      confirmEmail: 'msmith@example.com',
      columnHeaders: [
        { name: '_id', label: '_id' },
        { name: 'action', label: 'action' },
        { name: 'email', label: 'email' },
        { name: 'cID', label: 'cID' },
        { name: 'bmID', label: 'msID' },
        { name: 'mcID', label: 'mcID' },
        { name: 'mdtID', label: 'mdtID' },
        { name: 'time', label: 'time' },
        { name: 'first', label: 'first' },
        { name: 'message_name', label: 'message_name' },
        { name: 'system_properties.bt', label: 'system_properties_bt' },
        { name: 'system_properties.link', label: 'system_properties_link_key' },
        { name: 'system_properties.rl', label: 'system_properties_redirect_link' },
        {
          name: 'properties.custom_per_client_and_not_required',
          label: 'properties_custom_per_client_and_not_required',
        },
      ],
    },
  },
} as const;
