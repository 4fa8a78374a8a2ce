import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadServerConfig } from './libs/common/src/config/server-config';
import { bindIntegerParameters, dataSourceOptions } from './libs/store/src/data-source-options';

/** The DataSource the TypeORM CLI uses (`npm run migration:run`, `migration:revert`, `migration:show`). */
const { store } = loadServerConfig();
export default bindIntegerParameters(new DataSource(dataSourceOptions(store.databaseUrl, store.databaseSchema)));
