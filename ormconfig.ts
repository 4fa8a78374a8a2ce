import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from './libs/common/src/config/app.config';
import { bindIntegerParameters, dataSourceOptions } from './libs/store/src/data-source-options';

/** The DataSource the TypeORM CLI uses (`npm run migration:run`, `migration:revert`, `migration:show`). */
const config = loadAppConfig();
export default bindIntegerParameters(new DataSource(dataSourceOptions(config.databaseUrl, config.databaseSchema)));
